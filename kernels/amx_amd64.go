//go:build amd64 && !purego

package kernels

import (
	"fmt"

	"github.com/t5go/t5go/tensor"

	"github.com/klauspost/cpuid/v2"
)

// amxUsable reports whether this CPU has AMX-BF16 and Linux lets this
// process use the tile registers: their 8 KiB of state is off until a
// process asks (arch_prctl ARCH_REQ_XCOMP_PERM for XTILEDATA, Linux 5.16+).
// Tile state does not survive a goroutine switch, but Go never preempts
// inside an assembly function and each kernel call configures, uses and
// releases the tiles itself.
func amxUsable() bool {
	if !cpuid.CPU.Supports(cpuid.AMXTILE, cpuid.AMXBF16) {
		return false
	}
	return requestTiles()
}

// amxBF16Config is gemmB32x32AMX's tile configuration (LDTILECFG's 64
// bytes: palette 1, 16 little-endian bytes-per-row, 16 row counts): all
// eight tiles 16 rows of 64 bytes.
var amxBF16Config = func() (c [64]byte) {
	c[0] = 1
	for t := 0; t < 8; t++ {
		c[16+2*t] = 64
		c[48+t] = 16
	}
	return c
}()

// gemmBAMX checks the bounds gemmB32x32AMX trusts and runs it.
func gemmBAMX(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps, panels int) {
	if panels <= 0 || ksteps <= 0 {
		return
	}
	checkGemmB(c, cstride, a, astride, b, ksteps, panels)
	gemmB32x32AMX(c, cstride, a, astride, b, ksteps, panels, &amxBF16Config)
}

// toBF16Checked runs toBF16AVX512 on whole groups of 16 and Go on the rest.
func toBF16Checked(dst []uint16, src []float32, scale float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("kernels: toBF16 bounds: dst %d src %d", len(dst), len(src)))
	}
	n := len(src) / 16 * 16
	if n > 0 {
		toBF16AVX512(dst[:n], src[:n], scale)
	}
	toBF16Generic(dst[n:], src[n:], scale)
}

// pairsBF16Checked checks the bounds pairsBF16AVX512 trusts.
func pairsBF16Checked(dst []uint16, src []float32, pairs int) {
	if pairs%16 != 0 || len(src) < 64*pairs || len(dst) < pairs/16*bStep {
		panic(fmt.Sprintf("kernels: pairsBF16 bounds: %d pairs, dst %d src %d", pairs, len(dst), len(src)))
	}
	if pairs > 0 {
		pairsBF16AVX512(dst, src, pairs)
	}
}

// softmaxPairsChecked checks the bounds softmaxPairsAVX512 trusts.
func softmaxPairsChecked(dst []uint16, s []float32, ksteps int, sum []float32) {
	if ksteps < 1 || len(s) < ksteps*32*32 || len(dst) < ksteps*bStep || len(sum) < 32 {
		panic(fmt.Sprintf("kernels: softmaxPairs bounds: %d k-steps, dst %d s %d sum %d", ksteps, len(dst), len(s), len(sum)))
	}
	softmaxPairsAVX512(dst, s, ksteps, sum)
}

// packB32AVX512 checks the bounds the packB32 kernels trust and runs the
// one for typ over ksteps whole k-steps of 32 full rows.
func packB32AVX512(dst []uint16, w []byte, rb, ksteps int, typ tensor.Type) {
	if ksteps <= 0 {
		return
	}
	k := 32 * ksteps
	if len(dst) < ksteps*bStep || rb < typ.RowBytes(k) || len(w) < 31*rb+typ.RowBytes(k) {
		panic(fmt.Sprintf("kernels: packB32 bounds: dst %d w %d rb %d ksteps %d %v", len(dst), len(w), rb, ksteps, typ))
	}
	switch typ {
	case tensor.F32:
		packB32F32AVX512(dst, w, rb, ksteps)
	case tensor.F16:
		packB32F16AVX512(dst, w, rb, ksteps)
	case tensor.BF16:
		packB32BF16AVX512(dst, w, rb, ksteps)
	case tensor.Q8_0:
		packB32Q8AVX512(dst, w, rb, ksteps)
	case tensor.Q4_0:
		packB32Q4AVX512(dst, w, rb, ksteps)
	default:
		panic(fmt.Sprintf("kernels: packB32: type %v", typ))
	}
}

// amxPeak runs amxPeakBF16 for the benchmarks: n rounds of 32768
// bfloat16 multiply-adds. False when this CPU or process has no AMX.
func amxPeak(n int) bool {
	if impl.gemmB == nil {
		return false
	}
	amxPeakBF16(n, &amxBF16Config)
	return true
}
