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

// gemmFFunc computes y[t*ystride+r] = Σ_i px[i*T+t]·pw[i*R+r], r < R, t < T.
type gemmFFunc func(y []float32, ystride int, pw []float32, px []float32, k int)

// packTokens lays n tokens of k floats out as tiles of T: px[(tile*k+i)*T+t],
// zero past n.
func packTokens(px, x []float32, n, k, T int) {
	var rows [16][]float32 // T <= 16
	for t0 := 0; t0 < n; t0 += T {
		nt := min(T, n-t0)
		if nt == 12 && T == 12 {
			packTokens12(px[t0*k:t0*k+k*12], x[t0*k:t0*k+k*12], k)
			continue
		}
		for t := 0; t < nt; t++ {
			rows[t] = x[(t0+t)*k : (t0+t)*k+k]
		}
		dst := px[t0*k : t0*k+k*T]
		for i := 0; i < k; i++ {
			d := dst[i*T : i*T+T]
			for t := 0; t < nt; t++ {
				d[t] = rows[t][i]
			}
			clear(d[nt:])
		}
	}
}

// packTokens12 is packTokens for one whole tile of 12 tokens (AVX-512):
// rows resliced to one length and constant indexes, so the compiler drops
// the bounds checks that dominated the general loop.
func packTokens12(dst, x []float32, k int) {
	r0, r1, r2, r3 := x[0*k:1*k], x[1*k:2*k], x[2*k:3*k], x[3*k:4*k]
	r4, r5, r6, r7 := x[4*k:5*k], x[5*k:6*k], x[6*k:7*k], x[7*k:8*k]
	r8, r9, r10, r11 := x[8*k:9*k], x[9*k:10*k], x[10*k:11*k], x[11*k:12*k]
	for i := range r0 {
		d := (*[12]float32)(dst[i*12 : i*12+12])
		d[0], d[1], d[2], d[3] = r0[i], r1[i], r2[i], r3[i]
		d[4], d[5], d[6], d[7] = r4[i], r5[i], r6[i], r7[i]
		d[8], d[9], d[10], d[11] = r8[i], r9[i], r10[i], r11[i]
	}
}

// packFFunc packs R rows (rb bytes apart) of k elements of typ into dst[i*R+r].
type packFFunc func(dst []float32, w []byte, rb, k int, typ tensor.Type)

// gemmFMinTokens: below it, MatMul uses the row kernels per token.
const gemmFMinTokens = 8

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
	ytile []float32 // T×R outputs of the partial tile
}

// gemmF multiplies rows [lo, hi) (whole panels only) with all n tokens,
// packed by packTokens into px.
func gemmF(tb *table, y, px []float32, n, k, rows int, w []byte, typ tensor.Type, s *gemmFScratch, lo, hi int) {
	R, T := tb.gemmFRows, tb.gemmFToks
	rb := typ.RowBytes(k)
	s.panel = grow(s.panel, k*R)
	s.ytile = grow(s.ytile, T*R)
	tiles := (n + T - 1) / T
	if len(px) < tiles*k*T || len(y) < n*rows || len(w) < rows*rb {
		panic(fmt.Sprintf("kernels: gemmF bounds: n %d k %d rows %d: px %d y %d w %d", n, k, rows, len(px), len(y), len(w)))
	}
	for r0 := lo; r0+R <= hi; r0 += R {
		tb.packF(s.panel, w[r0*rb:], rb, k, typ)
		for tile := 0; tile < tiles; tile++ {
			t0 := tile * T
			xt := px[tile*k*T : (tile+1)*k*T]
			if t0+T <= n {
				tb.gemmF(y[t0*rows+r0:], rows, s.panel, xt, k)
				continue
			}
			tb.gemmF(s.ytile, R, s.panel, xt, k)
			for t := t0; t < n; t++ {
				copy(y[t*rows+r0:t*rows+r0+R], s.ytile[(t-t0)*R:])
			}
		}
	}
}
