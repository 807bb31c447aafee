//go:build amd64 && !purego

package kernels

import (
	"fmt"

	"github.com/t5go/t5go/tensor"

	"github.com/klauspost/cpuid/v2"
)

// archTiers returns the assembly tiers this CPU can run, best first.
// avx512 needs F, BW, VL and VNNI (its integer dots are VPDPBUSD); a CPU
// with AVX-512 but no VNNI runs the avx2 tier. amx is avx512 plus
// bfloat16 matrix products on AMX tiles where the caller allows them.
func archTiers() []table {
	var ts []table
	c := cpuid.CPU
	base := c.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C)
	if base && c.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		t := avx512Table
		if c.Supports(cpuid.AVX512VBMI) {
			t = withVBMI(t)
		}
		if amxUsable() {
			ts = append(ts, amxTable(t))
		}
		ts = append(ts, t)
	}
	if base {
		ts = append(ts, avx2Table)
	}
	return ts
}

// rowsF32AVX2Go is the avx2 tier's float row kernel, also its four-token
// one's passes.
var rowsF32AVX2Go = rowsF32Asm(rowsF32AVX2, dotAsm(dotAVX2, 32), 16)

var avx2Table = table{
	name:         "avx2",
	isa:          "avx2",
	features:     "avx2+fma+f16c",
	rowsQ8:       rowsQAsm(rowsQ8AVX2, rowsQ8Generic, 34),
	rowsQ4:       rowsQAsm(rowsQ4AVX2, rowsQ4Generic, 18),
	rowsQ8X:      rowsQXChecked(rowsQ8XAVX2, 34),
	rowsQ4X:      rowsQXChecked(rowsQ4XAVX2, 18),
	panels:       true,
	rowsF32:      rowsF32AVX2Go,
	rowsF32x4:    rowsF32x4With(rowsF32AVX2Go),
	rowsF16:      rowsF16Asm(rowsF16AVX2, rowsF16Generic, 16),
	rowsBF16:     rowsF16Asm(rowsBF16AVX2, rowsBF16Generic, 16),
	dot:          dotAsm(dotAVX2, 32),
	readSum:      readSumAsm(readSumAVX2, 256),
	axpy:         axpyAsm(axpyAVX2, 16),
	rmsnorm:      rmsNormAsm(rmsApplyAVX2, 16),
	layernorm:    layerNormAsm(sumAVX2, sqDevAVX2, lnApplyAVX2, 32),
	geluMul:      geluMulAsm(geluMulAVX2, 8),
	gelu:         geluAsm(geluAVX2, 8),
	expSum:       expSumAsm(expSumAVX2, 8),
	argmax:       argmaxAsm(maxNumAVX2, firstEqAVX2, 8),
	max:          maxAsm(maxNumAVX2, 8),
	packQ:        packQ32,
	packQX:       packQ32X,
	quant:        quantizeQ8,
	toBF16:       toBF16Generic,
	pairsBF16:    pairsBF16Generic,
	softmaxPairs: softmaxPairsGeneric,

	gemmF:     gemmF16x6AVX2,
	packF:     func(dst []float32, w []byte, rb, k int, typ tensor.Type) { packFGeneric(dst, w, rb, k, typ, 16) },
	gemmFRows: 16,
	gemmFToks: 6,
}

var avx512Table = table{
	name:      "avx512",
	isa:       "avx512",
	features:  "avx512f+bw+vl+vnni",
	rowsQ8:    rowsQAsm(rowsQ8VNNI, rowsQ8Generic, 34),
	rowsQ4:    rowsQAsm(rowsQ4VNNI, rowsQ4Generic, 18),
	rowsQ8X:   rowsQXChecked(rowsQ8XVNNI, 34),
	rowsQ4X:   rowsQXChecked(rowsQ4XVNNI, 18),
	panels:    true,
	rowsF32:   rowsF32Asm(rowsF32AVX512, dotAsm(dotAVX512, 64), 32),
	rowsF32x4: rowsF32x4Asm,
	rowsF16:   rowsF16Asm(rowsF16AVX512, rowsF16Generic, 32),
	rowsBF16:  rowsF16Asm(rowsBF16AVX512, rowsBF16Generic, 32),
	dot:       dotAsm(dotAVX512, 64),
	readSum:   readSumAsm(readSumAVX512, 512),
	axpy:      axpyAsm(axpyAVX512, 32),
	rmsnorm:   rmsNormAsm(rmsApplyAVX512, 32),
	layernorm: layerNormAsm(sumAVX512, sqDevAVX512, lnApplyAVX512, 64),
	geluMul:   geluMulAsm(geluMulAVX512, 16),
	gelu:      geluAsm(geluAVX512, 16),
	expSum:    expSumAsm(expSumAVX512, 16),
	argmax:    argmaxAsm(maxNumAVX512, firstEqAVX512, 16),
	max:       maxAsm(maxNumAVX512, 16),
	gemmQ:     gemmQ32x6VNNI,
	gemmQ4:    gemmQ32x4VNNI,
	gemmQ2:    gemmQ32x2VNNI,
	gemmQX: [2][3]gemmQFunc{
		{gemmQ8X32x6VNNI, gemmQ8X32x4VNNI, gemmQ8X32x2VNNI},
		{gemmQ4X32x6VNNI, gemmQ4X32x4VNNI, gemmQ4X32x2VNNI},
	},
	packQ:        packQ32AVX512,
	packQX:       packQ32XAVX512,
	toBF16:       toBF16Checked,
	pairsBF16:    pairsBF16Checked,
	softmaxPairs: softmaxPairsChecked,
	quant:        quantQ8Checked,

	gemmF:     gemmF32x12AVX512,
	packF:     packF32AVX512,
	gemmFRows: 32,
	gemmFToks: 12,
}

// withVBMI gives an avx512 table the Q4_0 row kernel whose four-block
// loop places nibbles with VPERMB (Ice Lake and later; 1.2× the
// lane-per-row kernel on cache-resident rows, see asm_gen/qrows_quad.go).
func withVBMI(t table) table {
	t.features += "+vbmi"
	t.rowsQ4 = rowsQAsm(rowsQ4VBMI, rowsQ4Generic, 18)
	return t
}

// amxTable is an avx512 table plus bfloat16 products on AMX tiles, for
// callers that allow them (Workspace.AllowBF16, DenseAttn.BF16).
func amxTable(t table) table {
	t.name, t.features = "amx", t.features+"+amx-bf16"
	t.gemmB, t.packB = gemmBAMX, packB32AVX512
	return t
}

// packF32AVX512 checks bounds and runs the gather packers; for 16-bit types
// the last element is packed in Go, because a 4-byte gather at it would read
// past the end of the last row.
func packF32AVX512(dst []float32, w []byte, rb, k int, typ tensor.Type) {
	es := 4
	if typ != tensor.F32 {
		es = 2
	}
	if len(dst) < 32*k || rb < k*es || len(w) < 31*rb+k*es {
		panic(fmt.Sprintf("kernels: packF bounds: dst %d w %d rb %d k %d", len(dst), len(w), rb, k))
	}
	switch typ {
	case tensor.F32:
		packF32x32F32AVX512(dst, w, rb, k)
		return
	case tensor.F16:
		packF32x32F16AVX512(dst, w, rb, k-1)
	case tensor.BF16:
		packF32x32BF16AVX512(dst, w, rb, k-1)
	}
	for r := 0; r < 32; r++ {
		dst[(k-1)*32+r] = loadF(w[r*rb:], k-1, typ)
	}
}

// packQ32AVX512 checks the bounds packQ32's assembly twins trust.
func packQ32AVX512(dst, w []byte, rb, nb int, q4 bool) {
	blk := 34
	if q4 {
		blk = 18
	}
	if len(dst) < nb*gemmPanel || rb < nb*blk || len(w) < (gemmRows-1)*rb+nb*blk {
		panic(fmt.Sprintf("kernels: packQ32 bounds: dst %d w %d rb %d nb %d", len(dst), len(w), rb, nb))
	}
	if q4 {
		packQ32Q4AVX512(dst, w, rb, nb)
	} else {
		packQ32Q8AVX512(dst, w, rb, nb)
	}
}

// packQ32XAVX512 checks the bounds the X32 packers trust.
func packQ32XAVX512(dst, panel []byte, nb int, q4 bool) {
	blk := 34
	if q4 {
		blk = 18
	}
	if len(dst) < nb*gemmPanel || len(panel) < nb*xRows*blk {
		panic(fmt.Sprintf("kernels: packQ32X bounds: dst %d panel %d nb %d", len(dst), len(panel), nb))
	}
	if q4 {
		packQ4XAVX512(dst, panel, nb)
	} else {
		packQ8XAVX512(dst, panel, nb)
	}
}

// quantQ8Checked checks the bounds quantQ8AVX512 trusts.
func quantQ8Checked(qs []int8, d []float32, sum []int32, x []float32) {
	nb := len(d)
	if len(qs) < nb*qk || len(sum) < nb || len(x) < nb*qk {
		panic(fmt.Sprintf("kernels: quantizeQ8 bounds: %d blocks, qs %d sum %d x %d", nb, len(qs), len(sum), len(x)))
	}
	quantQ8AVX512(qs, d, sum, x)
}

// rowsQAsm runs an eight-row assembly kernel on whole groups of eight rows
// and the generic kernel on the rest, after checking the bounds the
// assembly trusts (blk is the weight block size in bytes).
func rowsQAsm(kern, gen rowsQFunc, blk int) rowsQFunc {
	return func(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32) {
		nb := len(xd)
		if len(y) == 0 {
			return
		}
		if len(xq) < nb*qk || len(xs) < nb || wstride < nb*blk || len(w) < (len(y)-1)*wstride+nb*blk {
			panic(fmt.Sprintf("kernels: row kernel bounds: %d rows stride %d of %d blocks, w %d xq %d xs %d",
				len(y), wstride, nb, len(w), len(xq), len(xs)))
		}
		n := len(y) &^ 7
		if n > 0 {
			kern(y[:n], w, wstride, xq, xd, xs)
		}
		if n < len(y) {
			gen(y[n:], w[n*wstride:], wstride, xq, xd, xs)
		}
	}
}

// dotAsm runs a vector dot on whole steps and adds the tail in Go.
// readSumAsm runs kern over p's whole steps and Go over the rest.
func readSumAsm(kern func(p []byte) uint32, step int) func(p []byte) uint32 {
	return func(p []byte) uint32 {
		n := len(p) / step * step
		return kern(p[:n]) + readSumGeneric(p[n:])
	}
}

func dotAsm(kern func(a, b []float32) float32, step int) func(a, b []float32) float32 {
	return func(a, b []float32) float32 {
		b = b[:len(a)]
		n := len(a) / step * step
		var s float32
		if n > 0 {
			s = kern(a[:n], b[:n])
		}
		for i := n; i < len(a); i++ {
			s += a[i] * b[i]
		}
		return s
	}
}

// expSumArch is the selected tier's expSum as direct calls (see expSumTile).
func expSumArch(x []float32, m float32) (float32, bool) {
	var s float32
	n := len(x) / 16 * 16
	switch impl.isa {
	case "avx512":
		if n > 0 {
			s = expSumAVX512(x[:n], m)
		}
	case "avx2":
		if n > 0 {
			s = expSumAVX2(x[:n], m)
		}
	default:
		return 0, false
	}
	return s + expSumGeneric(x[n:], m), true
}
