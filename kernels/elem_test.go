package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestElementwiseAgainstFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 7, 16, 33, 640, 1153} {
		x, w, b := randVec(r, n), randVec(r, n), randVec(r, n)

		// RMSNorm with (1+w), in place.
		got := append([]float32(nil), x...)
		RMSNorm(got, got, w, 1e-6)
		var ss float64
		for _, v := range x {
			ss += float64(v) * float64(v)
		}
		rs := 1 / math.Sqrt(ss/float64(n)+1e-6)
		for i := range x {
			want := float64(x[i]) * rs * (1 + float64(w[i]))
			near(t, "RMSNorm", n, i, got[i], want, 1e-6)
		}

		// LayerNorm.
		LayerNorm(got, x, w, b, 1e-6)
		var mean, vr float64
		for _, v := range x {
			mean += float64(v)
		}
		mean /= float64(n)
		for _, v := range x {
			vr += (float64(v) - mean) * (float64(v) - mean)
		}
		rs = 1 / math.Sqrt(vr/float64(n)+1e-6)
		for i := range x {
			near(t, "LayerNorm", n, i, got[i], (float64(x[i])-mean)*rs*float64(w[i])+float64(b[i]), 1e-6)
		}

		// GELU (tanh) and the gated form.
		GeluTanhMul(got, x, w)
		for i := range x {
			v := float64(x[i])
			g := 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
			near(t, "GeluTanhMul", n, i, got[i], g*float64(w[i]), 1e-6)
		}
		GeluTanh(got, x)
		for i := range x {
			v := float64(x[i])
			near(t, "GeluTanh", n, i, got[i], 0.5*v*(1+math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v))), 1e-6)
		}

		// Add.
		copy(got, x)
		Add(got, w)
		for i := range x {
			near(t, "Add", n, i, got[i], float64(x[i])+float64(w[i]), 1e-7)
		}

		// Softmax.
		copy(got, x)
		Softmax(got)
		mx := math.Inf(-1)
		for _, v := range x {
			mx = math.Max(mx, float64(v))
		}
		var se float64
		for _, v := range x {
			se += math.Exp(float64(v) - mx)
		}
		for i := range x {
			near(t, "Softmax", n, i, got[i], math.Exp(float64(x[i])-mx)/se, 1e-6)
		}

		// Dot: float32 sums, bounded by n·eps·Σ|ab|.
		var dw, mag float64
		for i := range x {
			dw += float64(x[i]) * float64(w[i])
			mag += math.Abs(float64(x[i]) * float64(w[i]))
		}
		if d := math.Abs(float64(Dot(x, w)) - dw); d > float64(n)*6e-8*mag+1e-30 {
			t.Errorf("Dot n=%d: off by %g (mag %g)", n, d, mag)
		}
	}
}

func TestRoPE(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, d := range []int{2, 8, 64, 256} {
		x := randVec(r, d)
		h := d / 2
		cos, sin := make([]float32, h), make([]float32, h)
		for j := range cos {
			a := r.Float64() * 10
			cos[j], sin[j] = float32(math.Cos(a)), float32(math.Sin(a))
		}
		got := append([]float32(nil), x...)
		RoPE(got, cos, sin)
		for j := 0; j < h; j++ {
			c, s := float64(cos[j]), float64(sin[j])
			near(t, "RoPE lo", d, j, got[j], float64(x[j])*c-float64(x[j+h])*s, 1e-6)
			near(t, "RoPE hi", d, j, got[j+h], float64(x[j+h])*c+float64(x[j])*s, 1e-6)
		}
	}
}

// near checks |got-want| <= tol·max(1,|want|).
func near(t *testing.T, what string, n, i int, got float32, want, tol float64) {
	t.Helper()
	if d := math.Abs(float64(got) - want); d > tol*math.Max(1, math.Abs(want)) || math.IsNaN(float64(got)) {
		t.Fatalf("%s n=%d [%d]: got %v want %v", what, n, i, got, want)
	}
}

func TestReadSumTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(81, 82))
	buf := make([]byte, 3000)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	for _, n := range []int{0, 3, 4, 255, 256, 511, 512, 513, 1024, 1027, 2048 + 260} {
		for off := range 5 {
			p := buf[off : off+n]
			var want uint32
			for i := 0; i+4 <= n; i += 4 {
				want += uint32(p[i]) | uint32(p[i+1])<<8 | uint32(p[i+2])<<16 | uint32(p[i+3])<<24
			}
			for _, tb := range tiers() {
				var got uint32
				withTier(tb, func() { got = ReadSum(p) })
				if got != want {
					t.Fatalf("%s len %d offset %d: ReadSum = %#x, want %#x", tb.name, n, off, got, want)
				}
			}
		}
	}
}
