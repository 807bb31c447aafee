package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refDense is unmasked softmax attention in float64, laid out like
// DenseAttn.Attend's arguments.
func refDense(q, k, v []float32, n, stride, heads, d int, scale float32) []float64 {
	out := make([]float64, n*stride)
	s := make([]float64, n)
	for h := range heads {
		for i := range n {
			m := math.Inf(-1)
			for j := range n {
				var dot float64
				for c := range d {
					dot += float64(q[i*stride+h*d+c]*scale) * float64(k[j*stride+h*d+c])
				}
				s[j] = dot
				m = max(m, dot)
			}
			var sum float64
			for j := range n {
				s[j] = math.Exp(s[j] - m)
				sum += s[j]
			}
			for c := range d {
				var o float64
				for j := range n {
					o += s[j] * float64(v[j*stride+h*d+c])
				}
				out[i*stride+h*d+c] = o / sum
			}
		}
	}
	return out
}

func normVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// TestDenseAttnMatchesReference runs every tier on shapes with partial
// query blocks, key tiles and value tiles, against float64 attention; the
// columns of out that no head owns and the element past it must keep their
// guard value.
func TestDenseAttnMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, tb := range tiers() {
		for _, c := range []struct {
			n, stride, heads, d int
			scale               float32
		}{
			{1, 1, 1, 1, 1}, {5, 7, 2, 3, 0.5}, {13, 24, 3, 8, 0.35}, {33, 150, 2, 72, 0.118},
			{70, 16, 1, 16, 4}, {100, 27, 2, 13, 0.28}, {200, 144, 2, 72, 0.118}, {2*gemmFKC + 9, 40, 2, 19, 0.23},
		} {
			q, k, v := normVec(r, c.n*c.stride), normVec(r, c.n*c.stride), normVec(r, c.n*c.stride)
			want := refDense(q, k, v, c.n, c.stride, c.heads, c.d, c.scale)
			for _, th := range []int{1, 2} {
				name := fmt.Sprintf("%s %+v threads=%d", tb.name, c, th)
				out := make([]float32, c.n*c.stride+1)
				for i := range out {
					out[i] = 7
				}
				p := NewPool(th)
				var a DenseAttn
				withTier(tb, func() {
					a.Attend(p, out[:c.n*c.stride], q, k, v, c.n, c.stride, c.heads, c.d, c.scale)
					a.Attend(p, out[:c.n*c.stride], q, k, v, c.n, c.stride, c.heads, c.d, c.scale) // reused scratch
				})
				p.Close()
				for i := range c.n * c.stride {
					if i%c.stride >= c.heads*c.d {
						if out[i] != 7 {
							t.Fatalf("%s: wrote [%d], a column no head owns", name, i)
						}
						continue
					}
					// outputs are averages of values ~N(0,1); the scores'
					// float32 rounding moves them by ~d·2⁻²⁴·|q||k|
					if d := math.Abs(float64(out[i]) - want[i]); d > 2e-5*float64(c.d)*float64(c.scale+1) || math.IsNaN(float64(out[i])) {
						t.Fatalf("%s: [%d] = %v, want %v (diff %.3g)", name, i, out[i], want[i], d)
					}
				}
				if out[len(out)-1] != 7 {
					t.Fatalf("%s: wrote past out", name)
				}
			}
		}
	}
}

// TestColSoftmaxTiers compares each tier's column softmax with the generic
// one (float64 exp): the vector exp is within a few ulp. A renamed copy of
// each tier runs the row fallback (arm64's path) with that tier's exp.
func TestColSoftmaxTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	var variants []table
	for _, tb := range tiers() {
		variants = append(variants, tb)
		tb.name += "-rows"
		tb.isa = "generic" // no column kernel: the row fallback
		variants = append(variants, tb)
	}
	for _, tb := range variants {
		for _, W := range []int{16, 32} {
			for _, rows := range []int{1, 2, 5, 17, 300} {
				s := normVec(r, rows*W+1)
				for i := range s {
					s[i] *= 8
				}
				s[len(s)-1] = 7
				ref := append([]float32(nil), s...)
				sum, refSum := make([]float32, W+1), make([]float32, W)
				sum[W] = 7
				colSoftmaxGeneric(ref, rows, W, refSum)
				withTier(tb, func() { colSoftmax(s, rows, W, sum) })
				name := fmt.Sprintf("%s W=%d rows=%d", tb.name, W, rows)
				if tb.name == "generic" { // colSoftmaxRows with the generic exp: exact
					for i := range rows * W {
						if s[i] != ref[i] {
							t.Fatalf("%s: s[%d] = %v, want exactly %v", name, i, s[i], ref[i])
						}
					}
				}
				for i := range rows * W {
					if d := math.Abs(float64(s[i] - ref[i])); d > 1e-6*math.Abs(float64(ref[i]))+1e-30 {
						t.Fatalf("%s: s[%d] = %v, want %v", name, i, s[i], ref[i])
					}
				}
				for c := range W {
					if d := math.Abs(float64(sum[c] - refSum[c])); d > 1e-6*float64(refSum[c]) {
						t.Fatalf("%s: sum[%d] = %v, want %v", name, c, sum[c], refSum[c])
					}
				}
				if s[len(s)-1] != 7 || sum[W] != 7 {
					t.Fatalf("%s: wrote past the buffers", name)
				}
			}
		}
	}
}

func TestDenseAttnAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	n, stride, heads, d := 50, 40, 2, 20
	q, k, v := normVec(r, n*stride), normVec(r, n*stride), normVec(r, n*stride)
	out := make([]float32, n*stride)
	p := NewPool(2)
	defer p.Close()
	var a DenseAttn
	a.Attend(p, out, q, k, v, n, stride, heads, d, 0.2)
	if allocs := testing.AllocsPerRun(5, func() { a.Attend(p, out, q, k, v, n, stride, heads, d, 0.2) }); allocs != 0 {
		t.Fatalf("%v allocations per call after the first", allocs)
	}
}

// BenchmarkDenseAttn is one vision layer's attention at the So400m shape
// (4096 patches, 16 heads of 72), or a smaller n with -short.
func BenchmarkDenseAttn(b *testing.B) {
	n, heads, d := 4096, 16, 72
	if testing.Short() {
		n = 1024
	}
	r := rand.New(rand.NewPCG(47, 48))
	C := heads * d
	q, k, v := normVec(r, n*C), normVec(r, n*C), normVec(r, n*C)
	out := make([]float32, n*C)
	for _, th := range []int{1, 2} {
		for _, bf := range []bool{false, true} {
			if bf && !HasBF16() {
				continue
			}
			b.Run(fmt.Sprintf("n=%d/bf16=%v/threads=%d", n, bf, th), func(b *testing.B) {
				p := NewPool(th)
				defer p.Close()
				a := DenseAttn{BF16: bf}
				cpu0 := cpuTime()
				for b.Loop() {
					a.Attend(p, out, q, k, v, n, C, heads, d, 0.118)
				}
				reportRate(b, 4*float64(n)*float64(n)*float64(C)/1e9, "GFLOP", th, cpu0)
			})
		}
	}
}

// BenchmarkGemmFTile times the tier's float tile kernel on one panel and
// token tile that stay in L1 (k = 72, the vision head width).
func BenchmarkGemmFTile(b *testing.B) {
	R, T, tile := denseTile()
	for _, k := range []int{72, 512} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(49, 50))
			pw, px, y := normVec(r, k*R), normVec(r, k*T), make([]float32, T*R)
			cpu0 := cpuTime()
			for b.Loop() {
				tile(y, R, pw, px, k)
			}
			reportRate(b, 2*float64(k*R*T)/1e9, "GFLOP", 1, cpu0)
		})
	}
}

// BenchmarkColSoftmax is one block's softmax at the vision shape (4096
// keys × the tier's tile width), data in L2.
func BenchmarkColSoftmax(b *testing.B) {
	R, _, _ := denseTile()
	rows := 4096
	r := rand.New(rand.NewPCG(51, 52))
	src := normVec(r, rows*R)
	s, sum := make([]float32, rows*R), make([]float32, R)
	for b.Loop() {
		copy(s, src)
		colSoftmax(s, rows, R, sum)
	}
	b.ReportMetric(float64(rows*R)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gexp/s")
}
