package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The quantized matrix × matrix path on AMX (Intel's tile unit): 32 tokens
// × 32 weight rows per tile call. Activations are read in place (token rows
// of the Q8_0 quantization, padded to a multiple of 32 tokens with zeros);
// weights are packed per call like gemmQ's panels but with signed bytes.
// Each block's int32 sums come out of the tile unit exact and are scaled
// and added in block order, so the result is bit-exact with the row kernels.

// gemmQAFunc is gemmQ32x32AMX's contract (see asm_gen/amx.go):
// y[t*ystride+r] += Σ_b float32(isum(t,r,b))·(dw[r,b]·xd[t*xdstride+b]) for
// t, r < 32, with token t's block b at xq[t*xstride+32b]. ct is 2048 int32s
// of scratch for the tile stores.
type gemmQAFunc func(y []float32, ystride int, pw []byte, xq []int8, xstride int, xd []float32, xdstride, nb int, ct []int32)

const (
	amxToks      = 32 // tokens per AMX tile call
	amxMinTokens = 16 // below this MatMul uses the VNNI tiles or the row kernels
)

// packQ32S is packQ32 with the weights' own signed values: Q8_0 bytes as
// they are, Q4_0 nibbles minus 8.
func packQ32S(dst []byte, w []byte, rb, nb int, q4 bool) {
	packQ32(dst, w, rb, nb, q4)
	for b := 0; b < nb; b++ {
		g := dst[b*gemmPanel+128 : (b+1)*gemmPanel]
		for i := range g {
			if q4 {
				g[i] -= 8
			} else {
				g[i] ^= 0x80
			}
		}
	}
}

// gemmQAGeneric is the reference of gemmQ32x32AMX.
func gemmQAGeneric(y []float32, ystride int, pw []byte, xq []int8, xstride int, xd []float32, xdstride, nb int, _ []int32) {
	for b := 0; b < nb; b++ {
		p := pw[b*gemmPanel : (b+1)*gemmPanel]
		for t := 0; t < amxToks; t++ {
			x := xq[t*xstride+b*qk : t*xstride+b*qk+qk]
			dx := xd[t*xdstride+b]
			for r := 0; r < gemmRows; r++ {
				var isum int32
				for i := 0; i < qk; i++ {
					isum += int32(int8(p[128+(i/4)*128+r*4+i%4])) * int32(x[i])
				}
				s := math.Float32frombits(binary.LittleEndian.Uint32(p[4*r:])) * dx
				y[t*ystride+r] += float32(float32(isum) * s)
			}
		}
	}
}

// sizePadded is size with storage for n rounded up to whole AMX tiles; the
// padding tokens are zero, so tiles over them add nothing anyone reads.
func (a *q8Acts) sizePadded(n, k int) {
	np := (n + amxToks - 1) / amxToks * amxToks
	a.size(np, k)
	clear(a.qs[n*k:])
	clear(a.d[n*a.nb:])
	a.qs, a.d, a.sum, a.n = a.qs[:n*k], a.d[:n*a.nb], a.sum[:n*a.nb], n
}

// amxPanels is how many 32-row panels gemmQA packs at a time: the token
// tiles then run over them while both stay in L2 (8 panels of k = 4304 are
// 155 KiB; a 32-token tile of activations 138 KiB).
const amxPanels = 8

// gemmQA runs the AMX tile kernel over rows [lo, hi) (whole panels of 32)
// and all tokens of a (sized with sizePadded), writing y[t*rows+r].
func gemmQA(y []float32, rows int, w []byte, rb int, q4 bool, a *q8Acts, s *workerScratch, lo, hi int) {
	n, k, nb := a.n, a.k, a.nb
	np := (n + amxToks - 1) / amxToks * amxToks
	if cap(a.qs) < np*k || cap(a.d) < np*nb {
		panic(fmt.Sprintf("kernels: gemmQA activations not padded to %d tokens", np))
	}
	xq, xd := a.qs[:np*k], a.d[:np*nb]
	pb := nb * gemmPanel
	s.panel = grow(s.panel, amxPanels*pb)
	hi = lo + (hi-lo)/gemmRows*gemmRows
	for r0 := lo; r0 < hi; r0 += amxPanels * gemmRows {
		r1 := min(r0+amxPanels*gemmRows, hi)
		for r := r0; r < r1; r += gemmRows {
			impl.packQS(s.panel[(r-r0)/gemmRows*pb:], w[r*rb:], rb, nb, q4)
		}
		for t0 := 0; t0 < n; t0 += amxToks {
			for r := r0; r < r1; r += gemmRows {
				// The tile sums into a contiguous buffer: y's rows are
				// rows·4 bytes apart, often a multiple of 4 KiB, and 32 of
				// them would share a few L1 sets for the whole k loop.
				clear(s.tileA[:])
				impl.gemmQA(s.tileA[:], gemmRows, s.panel[(r-r0)/gemmRows*pb:], xq[t0*k:], k, xd[t0*nb:], nb, nb, s.ct[:])
				for t := t0; t < min(t0+amxToks, n); t++ {
					copy(y[t*rows+r:t*rows+r+gemmRows], s.tileA[(t-t0)*gemmRows:])
				}
			}
		}
	}
}
