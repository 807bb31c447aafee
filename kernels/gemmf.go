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

// packTokensTask runs packTokens over token ranges that start on a tile.
type packTokensTask struct {
	px, x []float32
	k, T  int
}

func (p *packTokensTask) Run(lo, hi int) {
	packTokens(p.px[lo*p.k:], p.x[lo*p.k:], hi-lo, p.k, p.T)
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
	panel []float32 // a group of packed panels, k×R each
	ytile []float32 // T×R outputs of each panel's partial last tile
	tmp   []float32 // T×R: a chunk's product when the tier has no Acc kernel
}

// Blocking of the float path: a kernel call covers gemmFKC elements of k,
// so its slice of the panel (gemmFKC·R floats, 32 KiB at R = 32) stays in
// L1 across a block of gemmFNB token tiles, whose slices stay in L2; panels
// are packed once per call, gemmFGroup floats (4 MiB) at a time.
const (
	gemmFKC = 256
	gemmFNB = 32
)

var gemmFGroup = 1 << 20 // a variable so tests can force many groups

// gemmF multiplies rows [lo, hi) (whole panels only) with all n tokens,
// packed by packTokens into px.
func gemmF(tb *table, y, px []float32, n, k, rows int, w []byte, typ tensor.Type, s *gemmFScratch, lo, hi int) {
	R, T := tb.gemmFRows, tb.gemmFToks
	rb := typ.RowBytes(k)
	tiles := (n + T - 1) / T
	if len(px) < tiles*k*T || len(y) < n*rows || len(w) < rows*rb || lo < 0 || hi > rows {
		panic(fmt.Sprintf("kernels: gemmF bounds: n %d k %d rows %d [%d, %d): px %d y %d w %d", n, k, rows, lo, hi, len(px), len(y), len(w)))
	}
	panels := (hi - lo) / R
	if panels == 0 || n == 0 {
		return
	}
	G := max(1, min(panels, gemmFGroup/(k*R)))
	s.panel = grow(s.panel, G*k*R)
	s.ytile = grow(s.ytile, G*T*R)
	s.tmp = grow(s.tmp, T*R)
	acc := gemmFAccFor(tb)
	last := (tiles - 1) * T // first token of the last tile
	for g0 := 0; g0 < panels; g0 += G {
		ng := min(G, panels-g0)
		for p := range ng {
			tb.packF(s.panel[p*k*R:(p+1)*k*R], w[(lo+(g0+p)*R)*rb:], rb, k, typ)
		}
		for b0 := 0; b0 < tiles; b0 += gemmFNB {
			b1 := min(tiles, b0+gemmFNB)
			for c0 := 0; c0 < k; c0 += gemmFKC {
				kc := min(gemmFKC, k-c0)
				for p := range ng {
					r0 := lo + (g0+p)*R
					pw := s.panel[p*k*R+c0*R : p*k*R+(c0+kc)*R]
					for tile := b0; tile < b1; tile++ {
						t0 := tile * T
						xt := px[tile*k*T+c0*T : tile*k*T+(c0+kc)*T]
						dst, ds := y[t0*rows+r0:], rows
						if t0+T > n {
							dst, ds = s.ytile[p*T*R:(p+1)*T*R], R
						}
						switch {
						case c0 == 0:
							tb.gemmF(dst, ds, pw, xt, kc)
						case acc != nil:
							acc(dst, ds, pw, xt, kc)
						default:
							tb.gemmF(s.tmp, R, pw, xt, kc)
							for t := range T {
								d := dst[t*ds : t*ds+R]
								for r, v := range s.tmp[t*R : t*R+R] {
									d[r] += v
								}
							}
						}
					}
				}
			}
			if b1 == tiles && last+T > n { // the partial last tile is done
				for p := range ng {
					r0 := lo + (g0+p)*R
					for t := last; t < n; t++ {
						copy(y[t*rows+r0:t*rows+r0+R], s.ytile[p*T*R+(t-last)*R:])
					}
				}
			}
		}
	}
}
