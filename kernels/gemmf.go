package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor"
)

// The float matrix × matrix path (f32, f16, bf16 weights): per call, each
// panel of R weight rows is packed transposed into float32 (dst[i*R+r]) so
// that vector lanes are rows, and the tile kernel (asm_gen/gemmf.go)
// multiplies it with T tokens at a time using FMA with broadcast
// activations. R×T is 32×12 for AVX-512 and 16×6 for AVX2.

// gemmFFunc computes y[t*ystride+r] = Σ_i x[t*xstride+i]·pw[i*R+r], r < R, t < T.
type gemmFFunc func(y []float32, ystride int, pw []float32, x []float32, xstride int, k int)

// packFFunc packs R rows (rb bytes apart) of k elements of typ into dst[i*R+r].
type packFFunc func(dst []float32, w []byte, rb, k int, typ tensor.Type)

// gemmFMinTokens: below it, MatMul uses the row kernels per token.
const gemmFMinTokens = 4

// packFGeneric is the specification of packFFunc for any R.
func packFGeneric(dst []float32, w []byte, rb, k int, typ tensor.Type, R int) {
	for r := 0; r < R; r++ {
		row := w[r*rb:]
		for i := 0; i < k; i++ {
			dst[i*R+r] = loadF(row, i, typ)
		}
	}
}

// loadF reads element i of a float row of type typ.
func loadF(row []byte, i int, typ tensor.Type) float32 {
	switch typ {
	case tensor.F16:
		return f16[binary.LittleEndian.Uint16(row[2*i:])]
	case tensor.BF16:
		return BF16ToF32(binary.LittleEndian.Uint16(row[2*i:]))
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:]))
}

// gemmFScratch is one worker's buffers for the float path.
type gemmFScratch struct {
	panel []float32 // k×R packed weights
	xpad  []float32 // T×k tokens of the last, partial tile
	ytile []float32 // T×R outputs of the partial tile
}

// gemmF multiplies rows [lo, hi) (whole panels only) with all n tokens.
func gemmF(tb *table, y, x []float32, n, k, rows int, w []byte, typ tensor.Type, s *gemmFScratch, lo, hi int) {
	R, T := tb.gemmFRows, tb.gemmFToks
	rb := typ.RowBytes(k)
	s.panel = grow(s.panel, k*R)
	s.xpad = grow(s.xpad, T*k)
	s.ytile = grow(s.ytile, T*R)
	if len(x) < n*k || len(y) < n*rows || len(w) < rows*rb {
		panic(fmt.Sprintf("kernels: gemmF bounds: n %d k %d rows %d: x %d y %d w %d", n, k, rows, len(x), len(y), len(w)))
	}
	for r0 := lo; r0+R <= hi; r0 += R {
		tb.packF(s.panel, w[r0*rb:], rb, k, typ)
		for t0 := 0; t0 < n; t0 += T {
			if t0+T <= n {
				tb.gemmF(y[t0*rows+r0:], rows, s.panel, x[t0*k:], k, k)
				continue
			}
			clear(s.xpad)
			copy(s.xpad, x[t0*k:n*k])
			tb.gemmF(s.ytile, R, s.panel, s.xpad, k, k)
			for t := t0; t < n; t++ {
				copy(y[t*rows+r0:t*rows+r0+R], s.ytile[(t-t0)*R:])
			}
		}
	}
}
