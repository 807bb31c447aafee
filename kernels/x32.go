package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor"
)

// X32 weights (tensor.X32Layout): Q8_0 / Q4_0 blocks with 32 rows
// interleaved, per block 32 fp16 scales then groups of 32 rows × 4 quant
// bytes. A 64-byte load is 16 rows' next four bytes, one row per 32-bit
// lane, so VPDPBUSD (SDOT on arm64) leaves each row's block sum in its own
// lane and the matrix × vector kernels need no horizontal sums; the tile
// packer only flips signs or splits nibbles. The results are bit-exact
// with the plain kernels.

const (
	xRows  = 32        // rows per panel
	xScale = 2 * xRows // bytes of a block's scales, before its quant groups
	xGroup = xRows * 4 // bytes of one group of four quant bytes
)

// rowsQXFunc computes y[r] for r < len(y) (a multiple of 32) over the
// len(y)/32 panels at w, each of len(xd) blocks, in rowsQFunc's order.
type rowsQXFunc func(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

// rowsQ8XGeneric is the specification: rowsQ8Generic's sums read through
// the panel layout.
func rowsQ8XGeneric(y []float32, w []byte, xq []int8, xd []float32, _ []int32) {
	const pb = xRows * 34
	nb := len(xd)
	for p := 0; p < len(y)/xRows; p++ {
		panel := w[p*nb*pb : (p+1)*nb*pb]
		for r := 0; r < xRows; r++ {
			var acc float32
			for b, dx := range xd {
				blk := panel[b*pb : (b+1)*pb]
				q := xq[b*qk : b*qk+qk]
				var isum int32
				for i := 0; i < qk; i++ {
					isum += int32(int8(blk[xScale+i/4*xGroup+4*r+i%4])) * int32(q[i])
				}
				s := f16[binary.LittleEndian.Uint16(blk[2*r:])] * dx
				acc += float32(float32(isum) * s)
			}
			y[p*xRows+r] = acc
		}
	}
}

// rowsQ4XGeneric: rowsQ4Generic's sums read through the panel layout.
func rowsQ4XGeneric(y []float32, w []byte, xq []int8, xd []float32, _ []int32) {
	const pb = xRows * 18
	nb := len(xd)
	for p := 0; p < len(y)/xRows; p++ {
		panel := w[p*nb*pb : (p+1)*nb*pb]
		for r := 0; r < xRows; r++ {
			var acc float32
			for b, dx := range xd {
				blk := panel[b*pb : (b+1)*pb]
				q := xq[b*qk : b*qk+qk]
				var isum int32
				for i := 0; i < qk/2; i++ {
					v := blk[xScale+i/4*xGroup+4*r+i%4]
					isum += (int32(v&15)-8)*int32(q[i]) + (int32(v>>4)-8)*int32(q[i+16])
				}
				s := f16[binary.LittleEndian.Uint16(blk[2*r:])] * dx
				acc += float32(float32(isum) * s)
			}
			y[p*xRows+r] = acc
		}
	}
}

// packQ32X packs a panel of nb blocks for the tile kernel, as packQ32 packs
// 32 plain rows: per block 32 float32 scales, then per k-group g the rows'
// four unsigned bytes. Q8_0: group g's bytes with the sign bit flipped
// (w+128); Q4_0: g < 4 the low nibbles of quant group g, g >= 4 the high
// nibbles of group g-4.
func packQ32X(dst, panel []byte, nb int, q4 bool) {
	pb := xRows * 34
	if q4 {
		pb = xRows * 18
	}
	const (
		nib  = 0x0f0f0f0f0f0f0f0f
		sign = 0x8080808080808080
	)
	for b := 0; b < nb; b++ {
		in := panel[b*pb : (b+1)*pb]
		out := dst[b*gemmPanel : (b+1)*gemmPanel]
		for r := 0; r < xRows; r++ {
			binary.LittleEndian.PutUint32(out[4*r:], math.Float32bits(f16[binary.LittleEndian.Uint16(in[2*r:])]))
		}
		groups := out[128 : 128+8*xGroup]
		if !q4 {
			for i := 0; i < 8*xGroup; i += 8 {
				binary.LittleEndian.PutUint64(groups[i:], binary.LittleEndian.Uint64(in[xScale+i:])^sign)
			}
			continue
		}
		for i := 0; i < 4*xGroup; i += 8 {
			v := binary.LittleEndian.Uint64(in[xScale+i:])
			binary.LittleEndian.PutUint64(groups[i:], v&nib)
			binary.LittleEndian.PutUint64(groups[4*xGroup+i:], v>>4&nib)
		}
	}
}

// rowsQX computes rows [lo, hi) of an X32 matrix of type typ with rows rows
// (rb bytes per row) into y[0:hi-lo]: whole panels with the tier's panel
// kernel, a panel cut by the range computed whole and copied, the rows
// past the last panel (plain, at r·rb) with the plain row kernel.
func rowsQX(typ tensor.Type, y []float32, data []byte, rows, rb, lo, hi int, xq []int8, xd []float32, xs []int32) {
	panels, plain := impl.rowsQ4X, impl.rowsQ4
	if typ == tensor.Q8_0X32 {
		panels, plain = impl.rowsQ8X, impl.rowsQ8
	}
	full := rows / xRows * xRows
	r := lo
	for r < min(hi, full) {
		p := r / xRows * xRows
		if n := (min(hi, full) - p) / xRows * xRows; r == p && n > 0 {
			panels(y[r-lo:r-lo+n], data[p*rb:(p+n)*rb], xq, xd, xs)
			r += n
			continue
		}
		var tmp [xRows]float32
		panels(tmp[:], data[p*rb:(p+xRows)*rb], xq, xd, xs)
		e := min(hi, p+xRows)
		copy(y[r-lo:e-lo], tmp[r-p:e-p])
		r = e
	}
	if r < hi {
		plain(y[r-lo:hi-lo], data[r*rb:hi*rb], rb, xq, xd, xs)
	}
}

// rowsQXChecked runs an assembly panel kernel (blocks of bb bytes) after
// checking the bounds it trusts; with no rows or no blocks it does not run
// (every row is 0).
func rowsQXChecked(kern rowsQXFunc, bb int) rowsQXFunc {
	return func(y []float32, w []byte, xq []int8, xd []float32, xs []int32) {
		nb := len(xd)
		if len(y)%xRows != 0 || len(xq) < nb*qk || len(xs) < nb || len(w) < len(y)*nb*bb {
			panic(fmt.Sprintf("kernels: panel kernel bounds: %d rows of %d blocks, w %d xq %d xs %d",
				len(y), nb, len(w), len(xq), len(xs)))
		}
		if nb == 0 || len(y) == 0 {
			clear(y)
			return
		}
		kern(y, w, xq, xd, xs)
	}
}
