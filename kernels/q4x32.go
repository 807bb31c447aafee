package kernels

import (
	"encoding/binary"
	"math"
	"sync"
)

// Q4_0X32 weights (tensor.Q4_0X32Layout): Q4_0 blocks with 32 rows
// interleaved, per block 32 fp16 scales then four groups of 32 rows × 4
// quant bytes. A 64-byte load is 16 rows' next four bytes, one row per
// 32-bit lane, so VPDPBUSD leaves each row's block sum in its own lane and
// the matrix × vector kernel needs no horizontal sums; the tile packer
// only splits nibbles. The results are bit-exact with the Q4_0 kernels.

const (
	xRows  = 32         // rows per panel
	xBlock = xRows * 18 // bytes of one block of a panel
	xQuant = xRows * 4  // bytes of one group of four quant bytes
	xScale = 2 * xRows  // bytes of a block's scales
)

// rowsQXFunc computes y[r] for r < len(y) (a multiple of 32) over the
// len(y)/32 panels at w, each of len(xd) blocks, in rowsQFunc's order.
type rowsQXFunc func(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

// rowsQ4XGeneric is the specification: rowsQ4Generic's sums read through
// the panel layout.
func rowsQ4XGeneric(y []float32, w []byte, xq []int8, xd []float32, _ []int32) {
	nb := len(xd)
	for p := 0; p < len(y)/xRows; p++ {
		panel := w[p*nb*xBlock : (p+1)*nb*xBlock]
		for r := 0; r < xRows; r++ {
			var acc float32
			for b, dx := range xd {
				blk := panel[b*xBlock : (b+1)*xBlock]
				q := xq[b*qk : b*qk+qk]
				var isum int32
				for i := 0; i < qk/2; i++ {
					v := blk[xScale+i/4*xQuant+4*r+i%4]
					isum += (int32(v&15)-8)*int32(q[i]) + (int32(v>>4)-8)*int32(q[i+16])
				}
				s := f16[binary.LittleEndian.Uint16(blk[2*r:])] * dx
				acc += float32(float32(isum) * s)
			}
			y[p*xRows+r] = acc
		}
	}
}

// plainRows holds one panel put back into Q4_0 rows, for viaPlainQ4.
var plainRows = sync.Pool{New: func() any { return new([]byte) }}

// viaPlainQ4 runs a tier's Q4_0 row kernel on each panel put back into
// plain rows: for tiers without a panel kernel of their own.
func viaPlainQ4(rows rowsQFunc) rowsQXFunc {
	return func(y []float32, w []byte, xq []int8, xd []float32, xs []int32) {
		nb := len(xd)
		rb := nb * 18
		bp := plainRows.Get().(*[]byte)
		buf := grow(*bp, xRows*rb)
		for p := 0; p < len(y)/xRows; p++ {
			unpanelQ4(buf, w[p*nb*xBlock:(p+1)*nb*xBlock], nb)
			rows(y[p*xRows:(p+1)*xRows], buf, rb, xq, xd, xs)
		}
		*bp = buf
		plainRows.Put(bp)
	}
}

// unpanelQ4 writes the 32 Q4_0 rows of a panel of nb blocks to dst.
func unpanelQ4(dst, panel []byte, nb int) {
	rb := nb * 18
	for b := 0; b < nb; b++ {
		in := panel[b*xBlock : (b+1)*xBlock]
		for r := 0; r < xRows; r++ {
			out := dst[r*rb+b*18 : r*rb+b*18+18]
			out[0], out[1] = in[2*r], in[2*r+1]
			for j := 0; j < 4; j++ {
				copy(out[2+4*j:6+4*j], in[xScale+j*xQuant+4*r:])
			}
		}
	}
}

// packQ32X packs a panel of nb blocks for the tile kernel, as packQ32 packs
// 32 Q4_0 rows: per block 32 float32 scales, then per k-group g the rows'
// four nibbles, g < 4 the low nibbles of quant group g, g >= 4 the high
// nibbles of group g-4.
func packQ32X(dst, panel []byte, nb int) {
	for b := 0; b < nb; b++ {
		in := panel[b*xBlock : (b+1)*xBlock]
		out := dst[b*gemmPanel : (b+1)*gemmPanel]
		for r := 0; r < xRows; r++ {
			binary.LittleEndian.PutUint32(out[4*r:], math.Float32bits(f16[binary.LittleEndian.Uint16(in[2*r:])]))
		}
		const m = 0x0f0f0f0f0f0f0f0f
		for j := 0; j < 4; j++ {
			src := in[xScale+j*xQuant : xScale+(j+1)*xQuant]
			lo := out[128+j*xQuant : 128+(j+1)*xQuant]
			hi := out[128+(j+4)*xQuant : 128+(j+5)*xQuant]
			for i := 0; i < xQuant; i += 8 {
				v := binary.LittleEndian.Uint64(src[i:])
				binary.LittleEndian.PutUint64(lo[i:], v&m)
				binary.LittleEndian.PutUint64(hi[i:], v>>4&m)
			}
		}
	}
}

// rowsQ4X computes rows [lo, hi) of a Q4_0X32 matrix of rows rows (rb bytes
// of quants per row) into y[0:hi-lo]: whole panels with the tier's panel
// kernel, a panel cut by the range computed whole and copied, the rows
// past the last panel (plain Q4_0, at r·rb) with the row kernel.
func rowsQ4X(y []float32, data []byte, rows, rb, lo, hi int, xq []int8, xd []float32, xs []int32) {
	full := rows / xRows * xRows
	r := lo
	for r < min(hi, full) {
		p := r / xRows * xRows
		if n := (min(hi, full) - p) / xRows * xRows; r == p && n > 0 {
			impl.rowsQ4X(y[r-lo:r-lo+n], data[p*rb:(p+n)*rb], xq, xd, xs)
			r += n
			continue
		}
		var tmp [xRows]float32
		impl.rowsQ4X(tmp[:], data[p*rb:(p+xRows)*rb], xq, xd, xs)
		e := min(hi, p+xRows)
		copy(y[r-lo:e-lo], tmp[r-p:e-p])
		r = e
	}
	if r < hi {
		impl.rowsQ4(y[r-lo:hi-lo], data[r*rb:hi*rb], rb, xq, xd, xs)
	}
}
