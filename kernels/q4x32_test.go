package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// q4xCase is rows Q4_0 rows and the same rows interleaved, misaligned by off
// bytes, with one quantized activation row.
type q4xCase struct {
	plain, inter []byte
	rows, nb, rb int
	a            q8Acts
}

func newQ4XCase(r *rand.Rand, rows, nb, off int) q4xCase {
	k := nb * qk
	w, _ := makeWeights(r, tensor.Q4_0, k, rows)
	inter := make([]byte, off+len(w.Data))[off:]
	quant.InterleaveQ4_0(inter, w.Data, rows, k)
	c := q4xCase{plain: w.Data, inter: inter, rows: rows, nb: nb, rb: w.Type.RowBytes(k)}
	c.a.quantize(randVec(r, k), 1, k)
	return c
}

// TestRowsQ4XBitExact: every tier's panel kernel gives rowsQ4Generic's bits
// on the same rows, for 1-3 panels and every block count up to 70 plus long
// rows, with guards around y and misaligned weights.
func TestRowsQ4XBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	nbs := []int{97, 128, 200, 320}
	for nb := 1; nb <= 70; nb++ {
		nbs = append(nbs, nb)
	}
	for i, nb := range nbs {
		c := newQ4XCase(r, 32*(1+i%3), nb, i%5)
		want := make([]float32, c.rows)
		rowsQ4Generic(want, c.plain, c.rb, c.a.qs, c.a.d, c.a.sum)
		for _, tb := range tiers() {
			const g = 4
			y := make([]float32, c.rows+2*g)
			for j := range y {
				y[j] = float32(math.NaN())
			}
			tb.rowsQ4X(y[g:g+c.rows], c.inter, c.a.qs, c.a.d, c.a.sum)
			for j := range want {
				if !sameBits(want[j], y[g+j]) {
					t.Fatalf("%s rows=%d nb=%d: y[%d] = %v, rowsQ4Generic %v", tb.name, c.rows, nb, j, y[g+j], want[j])
				}
			}
			for j := 0; j < g; j++ {
				if !math.IsNaN(float64(y[j])) || !math.IsNaN(float64(y[len(y)-1-j])) {
					t.Fatalf("%s rows=%d nb=%d: wrote outside y", tb.name, c.rows, nb)
				}
			}
		}
	}
}

// TestRowsQ4XRanges: any row range of a Q4_0X32 matrix, panels cut at
// either end and plain rows after the last panel included.
func TestRowsQ4XRanges(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, rows := range []int{5, 32, 45, 64, 96, 101} {
		c := newQ4XCase(r, rows, 3, 0)
		want := make([]float32, rows)
		rowsQ4Generic(want, c.plain, c.rb, c.a.qs, c.a.d, c.a.sum)
		for _, tb := range tiers() {
			withTier(tb, func() {
				for lo := 0; lo < rows; lo += 1 + lo/3 {
					for hi := lo + 1; hi <= rows; hi += 1 + (hi-lo)/2 {
						y := make([]float32, hi-lo+1)
						y[hi-lo] = 7
						rowsQ4X(y[:hi-lo], c.inter, rows, c.rb, lo, hi, c.a.qs, c.a.d, c.a.sum)
						for j := lo; j < hi; j++ {
							if !sameBits(y[j-lo], want[j]) {
								t.Fatalf("%s rows=%d [%d,%d): y[%d] = %v, want %v", tb.name, rows, lo, hi, j, y[j-lo], want[j])
							}
						}
						if y[hi-lo] != 7 {
							t.Fatalf("%s rows=%d [%d,%d): wrote past y", tb.name, rows, lo, hi)
						}
					}
				}
			})
		}
	}
}

// TestMatMulQ4XSameAsQ4: MatMul over Q4_0X32 gives the Q4_0 bits, on every
// tier and thread count, on the row path (few tokens) and the tile path.
func TestMatMulQ4XSameAsQ4(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, sh := range []struct{ n, k, rows int }{{1, 640, 64}, {1, 96, 101}, {3, 64, 96}, {8, 640, 64}, {13, 96, 70}, {1, 2048, 640}} {
		w, _ := makeWeights(r, tensor.Q4_0, sh.k, sh.rows)
		wx := tensor.Tensor{Name: "wx", Type: tensor.Q4_0X32, Shape: w.Shape, Data: make([]byte, len(w.Data))}
		quant.InterleaveQ4_0(wx.Data, w.Data, sh.rows, sh.k)
		x := randVec(r, sh.n*sh.k)
		for _, tb := range tiers() {
			for _, th := range []int{1, 2} {
				want, got := make([]float32, sh.n*sh.rows), make([]float32, sh.n*sh.rows)
				ws := NewWorkspace(NewPool(th))
				withTier(tb, func() {
					ws.MatMul(want, x, sh.n, w)
					ws.MatMul(got, x, sh.n, wx)
				})
				ws.Pool.Close()
				for i := range want {
					if !sameBits(want[i], got[i]) {
						t.Fatalf("%s %+v threads=%d: y[%d] = %v, Q4_0 %v", tb.name, sh, th, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestPackQ32XMatchesPackQ32(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	for _, nb := range []int{1, 2, 7, 20} {
		c := newQ4XCase(r, xRows, nb, 1)
		want, got := make([]byte, nb*gemmPanel), make([]byte, nb*gemmPanel)
		packQ32(want, c.plain, c.rb, nb, true)
		packQ32X(got, c.inter, nb)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("nb=%d: packQ32X differs from packQ32 on the same rows", nb)
		}
	}
}
