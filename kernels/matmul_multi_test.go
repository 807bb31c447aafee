package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestMatMulsEqualsMatMul: every product of MatMuls equals MatMul's result
// bit for bit, with products that share or do not share their input, mixed
// types and row counts, on the row path and on the tile path it falls back
// to, on every tier and thread count; guards after each output stay put.
func TestMatMulsEqualsMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	type prod struct {
		typ     tensor.Type
		k, rows int
		ownX    bool // a different input from product 0's
	}
	cases := []struct {
		name string
		ps   []prod
	}{
		{"qkv", []prod{{tensor.Q8_0, 640, 1024, false}, {tensor.Q8_0, 640, 256, false}, {tensor.Q8_0, 640, 256, false}}},
		{"x32-mixed", []prod{{tensor.Q8_0X32, 640, 1024, false}, {tensor.Q4_0X32, 640, 256, false}, {tensor.Q8_0, 640, 64, false}, {tensor.Q4_0X32, 96, 40, true}}},
		{"gate-up-q4", []prod{{tensor.Q4_0, 640, 2048, false}, {tensor.Q4_0, 640, 2048, false}}},
		{"odd-rows", []prod{{tensor.Q8_0, 96, 37, false}, {tensor.Q4_0, 96, 5, false}, {tensor.Q8_0, 96, 19, true}}},
		{"scores", []prod{{tensor.F32, 256, 40, false}, {tensor.Q8_0, 256, 128, false}}},
		{"pv", []prod{{tensor.F32, 40, 256, false}, {tensor.F16, 128, 256, true}, {tensor.BF16, 64, 33, true}}},
		{"tiny", []prod{{tensor.F32, 32, 3, false}, {tensor.Q8_0, 32, 1, false}}},
		{"four", []prod{{tensor.Q8_0, 64, 16, false}, {tensor.Q8_0, 64, 16, true}, {tensor.Q4_0, 64, 48, false}, {tensor.F32, 64, 9, true}}},
	}
	for _, tb := range tiers() {
		for _, th := range []int{1, 2} {
			ws := NewWorkspace(NewPool(th))
			for _, c := range cases {
				for _, n := range []int{1, 3, 8} {
					ps := make([]Product, len(c.ps))
					want := make([][]float32, len(c.ps))
					for i, p := range c.ps {
						w, _ := makeWeights(r, p.typ, p.k, p.rows)
						x := ps[0].X
						if i == 0 || p.ownX || len(x) != n*p.k {
							x = randVec(r, n*p.k)
						}
						ps[i] = Product{Y: make([]float32, n*p.rows+1), X: x, W: w}
						ps[i].Y[n*p.rows] = 12345
						want[i] = make([]float32, n*p.rows)
					}
					withTier(tb, func() {
						ref := NewWorkspace(NewPool(1))
						for i, p := range ps {
							ref.MatMul(want[i], p.X, n, p.W)
						}
						ws.MatMuls(n, ps...)
					})
					for i, p := range ps {
						what := fmt.Sprintf("%s threads=%d %s n=%d product %d", tb.name, th, c.name, n, i)
						for j := range want[i] {
							if !sameBits(p.Y[j], want[i][j]) {
								t.Fatalf("%s: y[%d] = %v, MatMul %v", what, j, p.Y[j], want[i][j])
							}
						}
						if p.Y[len(p.Y)-1] != 12345 {
							t.Fatalf("%s: guard after y overwritten", what)
						}
					}
				}
			}
			ws.Pool.Close()
		}
	}
}

func TestMatMulsAllocatesNothingAfterWarmUp(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	ws := NewWorkspace(NewPool(2))
	defer ws.Pool.Close()
	q, _ := makeWeights(r, tensor.Q8_0, 640, 1024)
	k, _ := makeWeights(r, tensor.Q8_0, 640, 256)
	f, _ := makeWeights(r, tensor.F32, 640, 64)
	x, x2 := randVec(r, 640), randVec(r, 640)
	yq, yk, yv, yf := make([]float32, 1024), make([]float32, 256), make([]float32, 256), make([]float32, 64)
	call := func() {
		ws.MatMuls(1, Product{yq, x, q}, Product{yk, x, k}, Product{yv, x2, k}, Product{yf, x, f})
	}
	call()
	if a := testing.AllocsPerRun(20, call); a != 0 {
		t.Errorf("MatMuls allocates %v times per call", a)
	}
}
