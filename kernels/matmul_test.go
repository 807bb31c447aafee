package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// refMatMul is the float64 reference: y = x·Wᵀ with W dequantized, and x
// replaced by its Q8_0 quantization when the weights are quantized.
func refMatMul(x []float32, n, k, rows int, typ tensor.Type, deq []float64) (y, mag []float64) {
	xs := make([]float64, n*k)
	for i := range xs {
		xs[i] = float64(x[i])
	}
	if b := typ.Base(); b == tensor.Q8_0 || b == tensor.Q4_0 {
		var a q8Acts
		a.quantize(x, n, k)
		for t := 0; t < n; t++ {
			for i := 0; i < k; i++ {
				xs[t*k+i] = float64(a.qs[t*k+i]) * float64(a.d[t*a.nb+i/qk])
			}
		}
	}
	y, mag = make([]float64, n*rows), make([]float64, n*rows)
	for t := 0; t < n; t++ {
		for o := 0; o < rows; o++ {
			for i := 0; i < k; i++ {
				p := xs[t*k+i] * deq[o*k+i]
				y[t*rows+o] += p
				mag[t*rows+o] += math.Abs(p)
			}
		}
	}
	return y, mag
}

// checkClose fails when |got-want| > tol·mag for any element.
func checkClose(t *testing.T, what string, got []float32, want, mag []float64, tol float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*mag[i] || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %v, want %v (|diff| %.3g > %.3g·%.3g)", what, i, got[i], want[i], d, tol, mag[i])
		}
	}
}

var matTypes = []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32}

func TestMatMulMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		ws := NewWorkspace(NewPool(threads))
		for _, typ := range matTypes {
			for _, sh := range []struct{ n, k, rows int }{{1, 32, 1}, {1, 64, 37}, {3, 96, 50}, {5, 640, 33}, {2, 32 * 41, 17}} {
				w, deq := makeWeights(r, typ, sh.k, sh.rows)
				x := randVec(r, sh.n*sh.k)
				y := make([]float32, sh.n*sh.rows+1)
				y[len(y)-1] = 12345
				ws.MatMul(y, x, sh.n, w)
				want, mag := refMatMul(x, sh.n, sh.k, sh.rows, typ, deq)
				// float32 accumulation over k terms: error <= ~k·eps·Σ|p|; 4e-6·sqrt-ish in practice.
				checkClose(t, fmt.Sprintf("%v threads=%d %+v", typ, threads, sh), y, want, mag, float64(sh.k)*6e-8+1e-6)
				if y[len(y)-1] != 12345 {
					t.Fatalf("%v %+v: guard after y overwritten", typ, sh)
				}
			}
		}
		ws.Pool.Close()
	}
}

func TestMatMulAllocatesNothingAfterWarmUp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ws := NewWorkspace(NewPool(2))
	defer ws.Pool.Close()
	for _, typ := range matTypes {
		w, _ := makeWeights(r, typ, 128, 64)
		x := randVec(r, 4*128)
		y := make([]float32, 4*64)
		ws.MatMul(y, x, 4, w)
		if a := testing.AllocsPerRun(20, func() { ws.MatMul(y, x, 4, w); ws.MatMul(y, x, 1, w) }); a != 0 {
			t.Errorf("%v: MatMul allocates %v times per call", typ, a)
		}
	}
}
