//go:build arm64 && !purego

package kernels

import (
	"fmt"

	"github.com/t5go/t5go/tensor"

	"github.com/klauspost/cpuid/v2"
)

// arm64 tiers (hand-written assembly in *_arm64.s):
//
//   - sdot: neon plus SDOT (ARMv8.2 FEAT_DotProd) for the Q8_0 and Q4_0 row
//     dots and the X32 panel kernels. Optional even on ARMv8.2 cores, which
//     fault on it, so it is offered only when cpuid reports ASIMDDP (Linux:
//     HWCAP_ASIMDDP);
//   - neon: Advanced SIMD only, which every arm64 CPU Go runs on has
//     (SMULL/SADALP integer dots, FMLA float kernels);
//   - generic: pure Go.
//
// T5GO_KERNELS=neon on a CPU with SDOT forces the neon tier (as avx2 on an
// AVX-512 machine). Kernels without an arm64 version copy the generic one.
func archTiers() []table {
	if cpuid.CPU.Supports(cpuid.ASIMDDP) {
		return []table{sdotTable, neonTable}
	}
	return []table{neonTable}
}

var neonTable = withPanels(armTable("neon", "asimd",
	rowsQArm(rowsQ8NEON, rowsQ8Generic, 34), rowsQArm(rowsQ4NEON, rowsQ4Generic, 18)),
	rowsQ8XNEON, rowsQ4XNEON)

var sdotTable = withPanels(armTable("sdot", "asimd+asimddp",
	rowsQArm(rowsQ8SDOT, rowsQ8Generic, 34), rowsQArm(rowsQ4SDOT, rowsQ4Generic, 18)),
	rowsQ8XSDOT, rowsQ4XSDOT)

// withPanels gives an arm64 table its panel kernels for the X32 types
// (x32_arm64.s).
func withPanels(t table, q8, q4 rowsQXFunc) table {
	t.rowsQ8X, t.rowsQ4X, t.panels = rowsQXChecked(q8, 34), rowsQXChecked(q4, 18), true
	return t
}

// armTable is the arm64 table around its quantized row kernels; the two
// tiers share every other kernel (they need only NEON). Still generic: the
// packed quantized tile path (gemmQ nil: MatMul runs the row kernels per
// token, rows in cache-sized chunks) and its packer.
func armTable(name, features string, q8, q4 rowsQFunc) table {
	t := genericTable
	t.name, t.features, t.isa = name, features, "neon"
	t.rowsQ8, t.rowsQ4 = q8, q4
	t.rowsF32 = rowsFArm(rowsF32NEON, rowsF32Generic)
	t.rowsF32x4 = rowsF32x4With(t.rowsF32)
	t.rowsF16 = rowsFArm(rowsF16NEON, rowsF16Generic)
	t.rowsBF16 = rowsFArm(rowsBF16NEON, rowsBF16Generic)
	t.dot = dotArm
	t.readSum = readSumArm
	t.axpy = axpyArm
	t.rmsnorm = rmsNormArm
	t.layernorm = layerNormArm
	t.geluMul = geluMulArm
	t.gelu = geluArm
	t.expSum = expSumArm
	t.quant = quantQ8Arm
	t.gemmF = gemmF16x6NEON
	t.packF = func(dst []float32, w []byte, rb, k int, typ tensor.Type) { packFGeneric(dst, w, rb, k, typ, 16) }
	t.gemmFRows, t.gemmFToks = 16, 6
	return t
}

// rowsQArm runs an eight-row assembly kernel on whole groups of eight rows
// and the generic kernel on the rest, after checking the bounds the
// assembly trusts (blk is the weight block size in bytes). It mirrors
// rowsQAsm of the amd64 build.
func rowsQArm(kern, gen rowsQFunc, blk int) rowsQFunc {
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
		if nb == 0 {
			n = 0 // the assembly runs at least one block
		}
		if n > 0 {
			kern(y[:n], w, wstride, xq, xd, xs)
		}
		if n < len(y) {
			gen(y[n:], w[n*wstride:], wstride, xq, xd, xs)
		}
	}
}
