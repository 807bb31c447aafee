package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// BenchmarkMatMulVision: the vision tower's linear layers (So400m: 4096
// patches, width 1152, MLP 4304) on the float tile path.
func BenchmarkMatMulVision(b *testing.B) {
	r := rand.New(rand.NewPCG(53, 54))
	const n = 4096
	for _, sh := range []struct {
		name    string
		k, rows int
	}{{"qkvo_1152", 1152, 1152}, {"fc1_1152to4304", 1152, 4304}, {"fc2_4304to1152", 4304, 1152}} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/f16/%s/threads=%d", Selected(), sh.name, th), func(b *testing.B) {
				w, _ := makeWeights(r, tensor.F16, sh.k, sh.rows)
				x := randVec(r, n*sh.k)
				y := make([]float32, n*sh.rows)
				ws := NewWorkspace(NewPool(th))
				defer ws.Pool.Close()
				ws.MatMul(y, x, n, w)
				cpu0 := cpuTime()
				for b.Loop() {
					ws.MatMul(y, x, n, w)
				}
				reportRate(b, 2*n*float64(sh.k*sh.rows)/1e9, "GFLOP", th, cpu0)
			})
		}
	}
}
