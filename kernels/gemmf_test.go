package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestGemmFBlocking covers the float path's blocking: several token blocks
// with a partial last tile, k split into chunks with a short last one,
// groups of one panel, and a tier without an accumulating kernel (the
// fallback adds each chunk's tile in Go).
func TestGemmFBlocking(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	old := gemmFGroup
	defer func() { gemmFGroup = old }()
	for _, tb := range tiers() {
		if tb.gemmF == nil {
			continue
		}
		noAcc := tb
		noAcc.name += "-noacc"
		noAcc.isa = "generic" // no accumulating twin
		for _, v := range []table{tb, noAcc} {
			for _, c := range []struct{ n, k, rows, group int }{
				{12*gemmFNB*2 + 5, 2*gemmFKC + 37, 2 * v.gemmFRows, 1 << 20},
				{100, 3 * gemmFKC, 3*v.gemmFRows + 5, 1},
				{v.gemmFToks * gemmFNB, gemmFKC, v.gemmFRows, 1},
			} {
				gemmFGroup = c.group
				for _, typ := range []tensor.Type{tensor.F32, tensor.F16} {
					w, deq := makeWeights(r, typ, c.k, c.rows)
					x := randVec(r, c.n*c.k)
					want, mag := refMatMul(x, c.n, c.k, c.rows, typ, deq)
					for _, th := range []int{1, 2} {
						got := make([]float32, c.n*c.rows+1)
						got[len(got)-1] = 7
						ws := NewWorkspace(NewPool(th))
						withTier(v, func() { ws.MatMul(got, x, c.n, w) })
						ws.Pool.Close()
						checkClose(t, fmt.Sprintf("%s %v %+v threads=%d", v.name, typ, c, th), got, want, mag, float64(c.k)*6e-8+1e-6)
						if got[len(got)-1] != 7 {
							t.Fatalf("%s %v %+v: wrote past y", v.name, typ, c)
						}
					}
				}
			}
		}
	}
}
