package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestMatMulReusedWorkspace runs one workspace through shapes that shrink
// and regrow, with partial token tiles, so packed buffers hold stale data
// from a larger call; each result must equal a fresh workspace's, bit for
// bit (the tile paths only clear a partial last tile).
func TestMatMulReusedWorkspace(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	shapes := []struct{ n, k, rows int }{{37, 640, 64}, {13, 64, 96}, {25, 640, 64}, {7, 96, 32}, {24, 256, 64}, {11, 256, 32}}
	for _, tb := range tiers() {
		for _, typ := range []tensor.Type{tensor.F32, tensor.Q8_0, tensor.Q4_0} {
			for _, th := range []int{1, 2} {
				ws := NewWorkspace(NewPool(th))
				for _, sh := range shapes {
					w, _ := makeWeights(r, typ, sh.k, sh.rows)
					x := randVec(r, sh.n*sh.k)
					want, got := make([]float32, sh.n*sh.rows), make([]float32, sh.n*sh.rows)
					withTier(tb, func() {
						NewWorkspace(NewPool(1)).MatMul(want, x, sh.n, w)
						ws.MatMul(got, x, sh.n, w)
					})
					for i := range want {
						if !sameBits(want[i], got[i]) {
							t.Fatalf("%s %v threads=%d %+v: y[%d] = %v, fresh workspace %v",
								tb.name, typ, th, sh, i, got[i], want[i])
						}
					}
				}
				ws.Pool.Close()
			}
		}
	}
}

// TestAddBitExactAcrossTiers: Add goes through axpy with a = 1, which must
// equal Go's dst[i] += x[i] bit for bit (NaN: any NaN), tails included.
func TestAddBitExactAcrossTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3.4e38, -3.4e38, 1e-45}
	for _, tb := range tiers() {
		for _, n := range []int{0, 1, 15, 16, 33, 257} {
			dst, x := randVec(r, n), randVec(r, n)
			for i := range n {
				if i%3 == 0 {
					dst[i] = special[r.IntN(len(special))]
					x[i] = special[r.IntN(len(special))]
				}
			}
			want := append([]float32(nil), dst...)
			for i := range want {
				want[i] += x[i]
			}
			withTier(tb, func() { Add(dst, x) })
			for i := range want {
				nan := math.IsNaN(float64(want[i]))
				if nan != math.IsNaN(float64(dst[i])) || !nan && !sameBits(want[i], dst[i]) {
					t.Fatalf("%s n=%d: [%d] = %v, want %v", tb.name, n, i, dst[i], want[i])
				}
			}
		}
	}
}
