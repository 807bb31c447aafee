package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor"
)

// The quantized matrix × matrix path (prefill, batches): weights are
// repacked per call, 32 rows at a time, into the layout of the tile kernel
// gemmQ32x6VNNI (asm_gen/gemmq.go) so that vector lanes are rows and each
// block ends in one exact int32 per (row, token). Packing costs O(rows·k),
// against O(rows·k·n) for the product, so it pays from a few tokens on; the
// result is bit-exact with the row kernels, so the choice never shows.

// gemmQFunc computes a 32-row × 6-token tile over nb blocks: y[t*ystride+r],
// starting from the values in y when flags has gemmAccum (so a later chunk
// of blocks continues the same in-order sum). gemmPrefetch asks a kernel
// reading an X32 panel straight from the weights to prefetch its stream.
type gemmQFunc func(y []float32, ystride int, pw []byte, px []byte, xd []float32, xc []int32, nb int, flags int)

// gemmQFunc's flags.
const (
	gemmAccum    = 1
	gemmPrefetch = 2
)

const (
	gemmRows      = 32 // rows per packed panel
	gemmToks      = 6  // tokens per tile
	gemmMinTokens = 6  // below this MatMul uses the row kernels per token
	xMinTokens    = 2  // the same for X32 panels read unpacked (no packing to repay)
	gemmPanel     = 128 + 8*128
	gemmActBlock  = gemmToks * qk
	gemmKBlocks   = 24 // blocks per k chunk: 24·1152 B of panel stays in L1 across tiles
)

// qPanel holds activations packed for the tile kernel: per 6-token tile and
// block, px has for each k-group the six tokens' four bytes; xd the six
// scales and xc the six -off·Σx. Tokens past n are zero.
type qPanel struct {
	n, nb, tiles int
	px           []byte
	xd           []float32
	xc           []int32
}

// size shapes the panel for a's n tokens, growing buffers only when too
// small. packRows writes every entry of tokens below n, so only a partial
// last tile is zeroed (its tokens past n stay zero; clearing the whole
// panel cost as much as packing it).
func (p *qPanel) size(a *q8Acts) {
	n, nb := a.n, a.nb
	tiles := (n + gemmToks - 1) / gemmToks
	p.n, p.nb, p.tiles = n, nb, tiles
	p.px = grow(p.px, tiles*nb*gemmActBlock)
	p.xd = grow(p.xd, tiles*nb*gemmToks)
	p.xc = grow(p.xc, tiles*nb*gemmToks)
	if n%gemmToks != 0 {
		last := (tiles - 1) * nb
		clear(p.px[last*gemmActBlock:])
		clear(p.xd[last*gemmToks:])
		clear(p.xc[last*gemmToks:])
	}
}

// packRows packs tokens [lo, hi) of a (sized and quantized) into p, four
// bytes at a time.
func (p *qPanel) packRows(a *q8Acts, off int32, lo, hi int) {
	nb, k := a.nb, a.k
	src, dst := asU32(unsafeBytes(a.qs)), asU32(p.px)
	for tok := lo; tok < hi; tok++ {
		tile, t := tok/gemmToks, tok%gemmToks
		q := src[tok*k/4 : (tok+1)*k/4]
		xd, xs := a.d[tok*nb:tok*nb+nb], a.sum[tok*nb:tok*nb+nb]
		for b := range xd {
			i := (tile*nb + b) * gemmToks
			// Constant indexes into fixed lengths: no bounds checks.
			d := dst[i*qk/4+t : i*qk/4+t+7*gemmToks+1]
			qb := (*[8]uint32)(q[b*8 : b*8+8])
			d[0*gemmToks], d[1*gemmToks], d[2*gemmToks], d[3*gemmToks] = qb[0], qb[1], qb[2], qb[3]
			d[4*gemmToks], d[5*gemmToks], d[6*gemmToks], d[7*gemmToks] = qb[4], qb[5], qb[6], qb[7]
			p.xd[i+t] = xd[b]
			p.xc[i+t] = -off * xs[b]
		}
	}
}

// prepTask quantizes tokens [lo, hi) and, for the tile path, packs them.
type prepTask struct {
	a     *q8Acts
	x     []float32
	panel *qPanel // nil: quantize only
	off   int32
}

func (t *prepTask) Run(lo, hi int) {
	t.a.quantizeRows(t.x, lo, hi)
	if t.panel != nil {
		t.panel.packRows(t.a, t.off, lo, hi)
	}
}

// packQ32 packs 32 ggml-layout rows (rb bytes apart) of nb blocks into dst:
// per block 32 float32 scales, then per k-group 32 rows × 4 unsigned bytes
// (Q8_0: w+128, Q4_0: the nibble).
func packQ32(dst []byte, w []byte, rb, nb int, q4 bool) {
	for b := 0; b < nb; b++ {
		out := dst[b*gemmPanel : (b+1)*gemmPanel]
		for r := 0; r < gemmRows; r++ {
			var blk []byte
			if q4 {
				blk = w[r*rb+b*18 : r*rb+b*18+18]
			} else {
				blk = w[r*rb+b*34 : r*rb+b*34+34]
			}
			binary.LittleEndian.PutUint32(out[4*r:], math.Float32bits(f16[binary.LittleEndian.Uint16(blk)]))
			for g := 0; g < 8; g++ {
				o := 128 + g*128 + r*4
				for j := 0; j < 4; j++ {
					i := 4*g + j
					var u byte
					if q4 {
						u = blk[2+i%16] >> (4 * (i / 16)) & 15
					} else {
						u = blk[2+i] ^ 0x80
					}
					out[o+j] = u
				}
			}
		}
	}
}

// xDirectMax is the most tokens for which the tile kernels read X32
// panels unpacked: re-splitting a panel per 6-token tile costs less than a
// packing pass up to a few tiles, and more for a long prefill.
const xDirectMax = 12

// quantTiles reports whether MatMul runs n tokens of a quantized rows-row
// matrix of typ on the tile kernels rather than the row kernels per token.
func quantTiles(n, rows int, typ tensor.Type) bool {
	if impl.gemmQ == nil || rows < gemmRows {
		return false
	}
	if typ.Interleaved() && impl.gemmQX[xIndex(typ)][0] != nil {
		return n >= xMinTokens
	}
	return n >= gemmMinTokens
}

// xIndex is typ's index in gemmQX: Q8_0X32 0, Q4_0X32 1.
func xIndex(typ tensor.Type) int {
	if typ == tensor.Q4_0X32 {
		return 1
	}
	return 0
}

// gemmQ runs the tile kernel over rows [lo, hi) (a multiple of 32) and all
// tokens, writing y[t*rows+r]. scratch is the worker's panel buffer.
func gemmQ(y []float32, rows int, w []byte, rb int, typ tensor.Type, p *qPanel, s *workerScratch, lo, hi int) {
	nb := p.nb
	s.panel = grow(s.panel, nb*gemmPanel)
	if len(p.px) < p.tiles*nb*gemmActBlock || len(p.xd) < p.tiles*nb*gemmToks || len(p.xc) < p.tiles*nb*gemmToks {
		panic(fmt.Sprintf("kernels: gemmQ panel too short for %d tiles of %d blocks", p.tiles, nb))
	}
	kerns := [3]gemmQFunc{impl.gemmQ, impl.gemmQ4, impl.gemmQ2}
	blk := gemmPanel // bytes per block of the panel the kernels read
	x := xIndex(typ)
	direct := typ.Interleaved() && p.n <= xDirectMax && impl.gemmQX[x][0] != nil
	if direct {
		kerns, blk = impl.gemmQX[x], xRows*typ.BlockBytes()
	}
	for r0 := lo; r0+gemmRows <= hi; r0 += gemmRows {
		panel := s.panel
		switch {
		case direct: // r0 is a multiple of 32: a whole panel
			panel = w[r0*rb : (r0+gemmRows)*rb]
		case typ.Interleaved():
			impl.packQX(s.panel, w[r0*rb:], nb, typ == tensor.Q4_0X32)
		default:
			impl.packQ(s.panel, w[r0*rb:], rb, nb, typ == tensor.Q4_0)
		}
		for b0 := 0; b0 < nb; b0 += gemmKBlocks {
			b1 := min(b0+gemmKBlocks, nb)
			pw := panel[b0*blk : b1*blk]
			for tile := 0; tile < p.tiles; tile++ {
				flags := 0
				if b0 > 0 {
					flags |= gemmAccum
				}
				if direct && tile == 0 {
					flags |= gemmPrefetch
				}
				at := tile * nb
				px := p.px[(at+b0)*gemmActBlock : (at+b1)*gemmActBlock]
				xd := p.xd[(at+b0)*gemmToks : (at+b1)*gemmToks]
				xc := p.xc[(at+b0)*gemmToks : (at+b1)*gemmToks]
				t0 := tile * gemmToks
				if t0+gemmToks <= p.n {
					kerns[0](y[t0*rows+r0:], rows, pw, px, xd, xc, b1-b0, flags)
				} else {
					tailKern(kerns, p.n-t0)(s.tile[:], gemmRows, pw, px, xd, xc, b1-b0, flags)
				}
			}
		}
		if t0 := (p.n / gemmToks) * gemmToks; t0 < p.n {
			for t := t0; t < p.n; t++ {
				copy(y[t*rows+r0:t*rows+r0+gemmRows], s.tile[(t-t0)*gemmRows:])
			}
		}
	}
}

// tailKern is the tile kernel for a last tile of m < gemmToks tokens from
// a set of 6-, 4- and 2-token twins: the smallest that covers m, where the
// tier has it, else the 6-token one.
func tailKern(kerns [3]gemmQFunc, m int) gemmQFunc {
	switch {
	case m <= 2 && kerns[2] != nil:
		return kerns[2]
	case m <= 4 && kerns[1] != nil:
		return kerns[1]
	}
	return kerns[0]
}

// workerScratch is one worker's private buffers.
type workerScratch struct {
	panel []byte
	tile  [gemmToks * gemmRows]float32
	bpack []uint16         // the bfloat16 path's packed weight panels
	brow  []float32        // one dequantized weight row
	cb    [32 * 32]float32 // a partial bfloat16 tile's output
	f     gemmFScratch
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
