package t5gemma

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/t5go/t5go/kernels"
)

// Blocked attention over many small tiles, with padding holes and a sliding
// window, equals one online Attend per query.
func TestTiledAttentionMatchesAttend(t *testing.T) {
	defer func(k int) { tileKeys = k }(tileKeys)
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, G, d, keys = 9, 3, 16, 50
	stride := d + 5 // keys interleaved with other data, as with several KV heads
	randv := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	q, k, v := randv(rows*G*d), randv(keys*stride), randv(keys*stride)
	spans := []kernels.Span{{Lo: 2, Hi: 20}, {Lo: 23, Hi: 24}, {Lo: 30, Hi: 50}}
	pool := kernels.NewPool(2)
	defer pool.Close()
	for _, tk := range []int{1, 3, 7, 256} {
		for _, windowed := range []bool{false, true} {
			tileKeys = tk
			a := &tiledAttn{ws: kernels.NewWorkspace(pool), rowsPerQuery: G}
			win := func(r int) (int, int) { return encoderWindow(10+3*r, 7) }
			if windowed {
				a.window = win
			}
			out := make([]float32, rows*G*d)
			vt := make([]float32, d*keys)
			for j := range keys {
				for c := range d {
					vt[c*keys+j] = v[j*stride+c]
				}
			}
			a.attend(out, slices.Clone(q), rows*G, d, 0.3, k, stride, vt, keys, spans)
			for i := range rows * G {
				sp := spans
				if windowed {
					lo, hi := win(i / G)
					sp = clipSpans(nil, spans, lo, hi)
				}
				want := make([]float32, d)
				kernels.Attend(want, q[i*d:(i+1)*d], 0.3, []kernels.KV{{K: k, V: v, Stride: stride, Spans: sp}})
				for c := range d {
					if math.Abs(float64(out[i*d+c]-want[c])) > 1e-5 {
						t.Fatalf("tile %d window %v query %d: %v, Attend %v", tk, windowed, i, out[i*d+c], want[c])
					}
				}
			}
		}
	}
}

func TestExpf(t *testing.T) {
	for x := float32(-90); x <= 0; x += 0.001 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		if want < 1e-37 {
			continue
		}
		if math.Abs(got-want)/want > 5e-7 {
			t.Fatalf("expf(%v) = %v, want %v", x, got, want)
		}
	}
	if expf(-100) != 0 || expf(0) != 1 {
		t.Errorf("expf(-100) = %v, expf(0) = %v", expf(-100), expf(0))
	}
}
