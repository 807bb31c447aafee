package kernels

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// xCase is rows plain rows of typ's base type and the same rows interleaved
// (misaligned by off bytes), with one quantized activation row.
type xCase struct {
	typ          tensor.Type
	plain, inter []byte
	rows, nb, rb int
	a            q8Acts
}

func newXCase(r *rand.Rand, typ tensor.Type, rows, nb, off int) xCase {
	k := nb * qk
	w, _ := makeWeights(r, typ.Base(), k, rows)
	inter := make([]byte, off+len(w.Data))[off:]
	quant.Interleave(typ, inter, w.Data, rows, k)
	c := xCase{typ: typ, plain: w.Data, inter: inter, rows: rows, nb: nb, rb: w.Type.RowBytes(k)}
	c.a.quantize(randVec(r, k), 1, k)
	return c
}

// kernels returns tb's panel kernel for c and the generic plain kernel.
func (c xCase) kernels(tb table) (rowsQXFunc, rowsQFunc) {
	if c.typ == tensor.Q8_0X32 {
		return tb.rowsQ8X, rowsQ8Generic
	}
	return tb.rowsQ4X, rowsQ4Generic
}

var x32Types = []tensor.Type{tensor.Q8_0X32, tensor.Q4_0X32}

// TestRowsQXBitExact: every tier's panel kernels give the plain generic
// kernel's bits on the same rows, for 1-3 panels and every block count up
// to 70 plus long rows, with guards around y and misaligned weights.
func TestRowsQXBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	nbs := []int{97, 128, 200, 320}
	for nb := 1; nb <= 70; nb++ {
		nbs = append(nbs, nb)
	}
	for _, typ := range x32Types {
		for i, nb := range nbs {
			c := newXCase(r, typ, 32*(1+i%3), nb, i%5)
			want := make([]float32, c.rows)
			_, gen := c.kernels(genericTable)
			gen(want, c.plain, c.rb, c.a.qs, c.a.d, c.a.sum)
			for _, tb := range tiers() {
				f, _ := c.kernels(tb)
				const g = 4
				y := make([]float32, c.rows+2*g)
				for j := range y {
					y[j] = float32(math.NaN())
				}
				f(y[g:g+c.rows], c.inter, c.a.qs, c.a.d, c.a.sum)
				for j := range want {
					if !sameBits(want[j], y[g+j]) {
						t.Fatalf("%s %v rows=%d nb=%d: y[%d] = %v, plain generic %v", tb.name, typ, c.rows, nb, j, y[g+j], want[j])
					}
				}
				for j := 0; j < g; j++ {
					if !math.IsNaN(float64(y[j])) || !math.IsNaN(float64(y[len(y)-1-j])) {
						t.Fatalf("%s %v rows=%d nb=%d: wrote outside y", tb.name, typ, c.rows, nb)
					}
				}
			}
		}
	}
}

// TestRowsQXRanges: any row range of an X32 matrix, panels cut at either
// end and plain rows after the last panel included.
func TestRowsQXRanges(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, typ := range x32Types {
		for _, rows := range []int{5, 32, 45, 64, 96, 101} {
			c := newXCase(r, typ, rows, 3, 0)
			want := make([]float32, rows)
			_, gen := c.kernels(genericTable)
			gen(want, c.plain, c.rb, c.a.qs, c.a.d, c.a.sum)
			for _, tb := range tiers() {
				withTier(tb, func() {
					for lo := 0; lo < rows; lo += 1 + lo/3 {
						for hi := lo + 1; hi <= rows; hi += 1 + (hi-lo)/2 {
							y := make([]float32, hi-lo+1)
							y[hi-lo] = 7
							rowsQX(typ, y[:hi-lo], c.inter, rows, c.rb, lo, hi, c.a.qs, c.a.d, c.a.sum)
							for j := lo; j < hi; j++ {
								if !sameBits(y[j-lo], want[j]) {
									t.Fatalf("%s %v rows=%d [%d,%d): y[%d] = %v, want %v", tb.name, typ, rows, lo, hi, j, y[j-lo], want[j])
								}
							}
							if y[hi-lo] != 7 {
								t.Fatalf("%s %v rows=%d [%d,%d): wrote past y", tb.name, typ, rows, lo, hi)
							}
						}
					}
				})
			}
		}
	}
}

// TestMatMulXSameAsPlain: MatMul over an X32 type gives its base type's
// bits, on every tier and thread count, on the row path (few tokens) and
// the tile path.
func TestMatMulXSameAsPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, typ := range x32Types {
		for _, sh := range []struct{ n, k, rows int }{{1, 640, 64}, {1, 96, 101}, {3, 64, 96}, {8, 640, 64}, {13, 96, 70}, {1, 2048, 640}} {
			w, _ := makeWeights(r, typ.Base(), sh.k, sh.rows)
			wx := tensor.Tensor{Name: "wx", Type: typ, Shape: w.Shape, Data: make([]byte, len(w.Data))}
			quant.Interleave(typ, wx.Data, w.Data, sh.rows, sh.k)
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
							t.Fatalf("%s %v %+v threads=%d: y[%d] = %v, %v %v", tb.name, typ, sh, th, i, got[i], w.Type, want[i])
						}
					}
				}
			}
		}
	}
}

// TestPackQ32XMatchesPackQ32: every tier's X32 packer gives packQ32's
// bytes for the same rows, and writes nothing past the packed blocks.
func TestPackQ32XMatchesPackQ32(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	for _, typ := range x32Types {
		q4 := typ == tensor.Q4_0X32
		for _, nb := range []int{1, 2, 7, 20} {
			c := newXCase(r, typ, xRows, nb, 1)
			want := make([]byte, nb*gemmPanel)
			packQ32(want, c.plain, c.rb, nb, q4)
			for _, tb := range tiers() {
				got := make([]byte, nb*gemmPanel+3)
				tb.packQX(got, c.inter, nb, q4)
				if !bytes.Equal(got[:len(want)], want) {
					t.Fatalf("%s %v nb=%d: the X32 packer differs from packQ32 on the same rows", tb.name, typ, nb)
				}
				if got[len(want)]|got[len(want)+1]|got[len(want)+2] != 0 {
					t.Fatalf("%s %v nb=%d: wrote past the packed blocks", tb.name, typ, nb)
				}
			}
		}
	}
}
