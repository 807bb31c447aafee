package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor"
)

// The bfloat16 matrix × matrix path on AMX, for products whose accuracy
// budget is that of a quantized or half-precision model (Workspace.AllowBF16,
// DenseAttn.BF16): both operands are rounded to bfloat16 (8 significant
// bits) and the tile unit sums their products in float32 over the whole k,
// at about ten times the float32 FMA peak. Operands:
//
//	A: row-major bfloat16, rows padded to 32, k padded to 32 with zeros
//	B: per k-step of 32, two 1 KiB tiles (columns 0-15, 16-31), each 16
//	   rows p of 16 pairs (B[2p][j], B[2p+1][j]) — the pair layout
//
// so C = A·B for 32 columns per call. MatMul makes the tokens A and the
// weights B (packed once per call, 32 rows at a time); dense attention
// makes keys A and queries B for the scores, and values A and
// probabilities B for the output.

// gemmBFunc is gemmB32x32AMX's contract (see asm_gen/amx.go): for each of
// panels A panels, c[(32p+i)*cstride+j] = Σ_k a[(32p+i)*astride+k]·B[k][j].
type gemmBFunc func(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps, panels int)

const bStep = 1024 // uint16s per k-step of a B operand (two 16×32 tiles)

// bAt is the index of B[k][j] in the pair layout.
func bAt(k, j int) int { return k/32*bStep + j/16*512 + (k%32)/2*32 + 2*(j%16) + k%2 }

// bf16 rounds f to bfloat16, to nearest even (NaN stays NaN).
func bf16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x40
	}
	return uint16((u + 0x7fff + (u >> 16 & 1)) >> 16)
}

// toBF16Generic is the specification of toBF16: dst[i] = bf16(src[i]·scale).
func toBF16Generic(dst []uint16, src []float32, scale float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = bf16(x * scale)
	}
}

// pairsBF16Generic is the specification of pairsBF16: rows of 32 floats,
// two at a time, into B's pair layout (pairs a multiple of 16).
func pairsBF16Generic(dst []uint16, src []float32, pairs int) {
	for k := 0; k < 2*pairs; k++ {
		for j, x := range src[32*k : 32*k+32] {
			dst[bAt(k, j)] = bf16(x)
		}
	}
}

// softmaxPairsGeneric is the specification of softmaxPairs: a column
// softmax over ksteps·32 rows of 32 scores (colSoftmaxGeneric; rows of
// -Inf give 0) whose exps go to dst as B's bfloat16 pairs (pairsBF16);
// s is scratch.
func softmaxPairsGeneric(dst []uint16, s []float32, ksteps int, sum []float32) {
	colSoftmaxGeneric(s, 32*ksteps, 32, sum)
	pairsBF16Generic(dst, s, 16*ksteps)
}

// gemmBGeneric is the specification of gemmBFunc (sums in k order; the
// tile unit's order differs, so tiers agree within float32 rounding).
func gemmBGeneric(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps, panels int) {
	for p := 0; p < panels; p++ {
		for i := 0; i < 32; i++ {
			row := a[(32*p+i)*astride:]
			for j := 0; j < 32; j++ {
				var acc float32
				for k := 0; k < 32*ksteps; k++ {
					acc += BF16ToF32(row[k]) * BF16ToF32(b[bAt(k, j)])
				}
				c[(32*p+i)*cstride+j] = acc
			}
		}
	}
}

// dequantRow writes the k elements of a weight row of type typ to dst.
func dequantRow(dst []float32, row []byte, k int, typ tensor.Type) {
	switch typ {
	case tensor.Q8_0:
		for b := 0; b < k/qk; b++ {
			blk := row[b*34 : b*34+34]
			d := f16[binary.LittleEndian.Uint16(blk)]
			for i, q := range blk[2:] {
				dst[b*qk+i] = float32(int8(q)) * d
			}
		}
	case tensor.Q4_0:
		for b := 0; b < k/qk; b++ {
			blk := row[b*18 : b*18+18]
			d := f16[binary.LittleEndian.Uint16(blk)]
			for i, v := range blk[2:] {
				dst[b*qk+i] = float32(int(v&15)-8) * d
				dst[b*qk+i+16] = float32(int(v>>4)-8) * d
			}
		}
	default:
		for i := 0; i < k; i++ {
			dst[i] = loadF(row, i, typ)
		}
	}
}

// packRowsB packs 32 rows (rb bytes apart, k elements of typ; rows past
// nrows are zero) as a B operand whose columns are the rows: pairs run
// along k, padded with zeros to 32·ksteps. row is k floats of scratch.
func packRowsB(dst []uint16, w []byte, rb, k, nrows int, typ tensor.Type, row []float32) {
	ksteps := (k + 31) / 32
	if full := k / 32; nrows >= 32 && full > 0 && impl.packB != nil {
		impl.packB(dst, w, rb, full, typ)
		if full < ksteps { // the last, partial k-step (float types only)
			clear(dst[full*bStep : ksteps*bStep])
			for r := 0; r < 32; r++ {
				for i := 32 * full; i < k; i++ {
					dst[bAt(i, r)] = bf16(loadF(w[r*rb:], i, typ))
				}
			}
		}
		return
	}
	clear(dst[:ksteps*bStep])
	for r := 0; r < min(32, nrows); r++ {
		dequantRow(row, w[r*rb:], k, typ)
		for i, x := range row[:k] {
			dst[bAt(i, r)] = bf16(x)
		}
	}
}

// rowsToA converts n rows of k floats (stride apart) to A's layout: kp =
// k rounded up to 32 bfloat16s per row, times scale, padding zeroed.
func rowsToA(dst []uint16, src []float32, n, k, stride, kp int, scale float32) {
	for t := 0; t < n; t++ {
		d := dst[t*kp : (t+1)*kp]
		impl.toBF16(d[:k], src[t*stride:t*stride+k], scale)
		clear(d[k:])
	}
}

// checkGemmB panics unless the operands of gemmBFunc are long enough.
func checkGemmB(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps, panels int) {
	if panels <= 0 || ksteps <= 0 {
		return
	}
	if cstride < 32 || astride < 32*ksteps || len(c) < (32*panels-1)*cstride+32 ||
		len(a) < (32*panels-1)*astride+32*ksteps || len(b) < ksteps*bStep {
		panic(fmt.Sprintf("kernels: gemmB bounds: c %d/%d a %d/%d b %d ksteps %d panels %d",
			len(c), cstride, len(a), astride, len(b), ksteps, panels))
	}
}
