//go:build !purego

#include "textflag.h"

// Float vector kernels for arm64, written by hand: dot, axpy and the RMSNorm
// and LayerNorm passes. WORDs carry their disassembly
// (testdata/wordcheck_arm64.sh). Each kernel handles whole steps (the
// length is a nonzero multiple of the step named in its comment); the Go
// wrappers in elem_arm64.go add the tails. Sums run in float32 lanes, so
// they are within the package's stated bounds of float64, not bit-equal to
// the generic code.
//
// Register map (all kernels):
//   R0  first slice cursor (dst or a)   R1, R2, R3  the other slices
//   R4  elements left
//   V0-V7    accumulators or the first operand
//   V16-V23  loaded operands
//   V28-V31  broadcast scalars (mean, r, a) and constants

// dotNEON: step 32, eight accumulators (enough FMLAs in flight for two
// pipes of latency 4).
// func dotNEON(a, b []float32) float32
TEXT ·dotNEON(SB), NOSPLIT, $0-52
	MOVD	a_base+0(FP), R0
	MOVD	a_len+8(FP), R4
	MOVD	b_base+24(FP), R1
	VEOR	V0.B16, V0.B16, V0.B16
	VEOR	V1.B16, V1.B16, V1.B16
	VEOR	V2.B16, V2.B16, V2.B16
	VEOR	V3.B16, V3.B16, V3.B16
	VEOR	V4.B16, V4.B16, V4.B16
	VEOR	V5.B16, V5.B16, V5.B16
	VEOR	V6.B16, V6.B16, V6.B16
	VEOR	V7.B16, V7.B16, V7.B16

	// main loop
dotloop:
	VLD1.P	64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P	64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P	64(R1), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1.P	64(R1), [V28.S4, V29.S4, V30.S4, V31.S4]
	VFMLA	V16.S4, V24.S4, V0.S4
	VFMLA	V17.S4, V25.S4, V1.S4
	VFMLA	V18.S4, V26.S4, V2.S4
	VFMLA	V19.S4, V27.S4, V3.S4
	VFMLA	V20.S4, V28.S4, V4.S4
	VFMLA	V21.S4, V29.S4, V5.S4
	VFMLA	V22.S4, V30.S4, V6.S4
	VFMLA	V23.S4, V31.S4, V7.S4
	SUBS	$32, R4, R4
	BNE	dotloop

	// reduce
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x4e27d4c6 // fadd v6.4s, v6.4s, v7.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	FMOVS	F0, ret+48(FP)
	RET

// readSumNEON: the wrapping sum of p's uint32 words, step 64 bytes, four
// accumulators: loads and integer adds only, as the peers' membw reads.
// func readSumNEON(p []byte) uint32
TEXT ·readSumNEON(SB), NOSPLIT, $0-28
	MOVD	p_base+0(FP), R0
	MOVD	p_len+8(FP), R4
	VEOR	V0.B16, V0.B16, V0.B16
	VEOR	V1.B16, V1.B16, V1.B16
	VEOR	V2.B16, V2.B16, V2.B16
	VEOR	V3.B16, V3.B16, V3.B16

readloop:
	VLD1.P	64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VADD	V16.S4, V0.S4, V0.S4
	VADD	V17.S4, V1.S4, V1.S4
	VADD	V18.S4, V2.S4, V2.S4
	VADD	V19.S4, V3.S4, V3.S4
	SUBS	$64, R4, R4
	BNE	readloop

	VADD	V1.S4, V0.S4, V0.S4
	VADD	V3.S4, V2.S4, V2.S4
	VADD	V2.S4, V0.S4, V0.S4
	VADDV	V0.S4, V0
	FMOVS	F0, ret+24(FP)
	RET

// axpyNEON: y += a·x, step 16.
// func axpyNEON(y []float32, a float32, x []float32)
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R4
	FMOVS	a+24(FP), F31
	MOVD	x_base+32(FP), R1
	VDUP	V31.S[0], V31.S4

axpyloop:
	VLD1	(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P	64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	VFMLA	V31.S4, V16.S4, V0.S4
	VFMLA	V31.S4, V17.S4, V1.S4
	VFMLA	V31.S4, V18.S4, V2.S4
	VFMLA	V31.S4, V19.S4, V3.S4
	VST1.P	[V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS	$16, R4, R4
	BNE	axpyloop
	RET

// rmsApplyNEON: dst = x·r·(1+w), in the generic code's order, step 16.
// func rmsApplyNEON(dst, x, w []float32, r float32)
TEXT ·rmsApplyNEON(SB), NOSPLIT, $0-76
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R4
	MOVD	x_base+24(FP), R1
	MOVD	w_base+48(FP), R2
	FMOVS	r+72(FP), F30
	VDUP	V30.S[0], V30.S4
	WORD $0x4f03f61f // fmov v31.4s, #1.0

rmsloop:
	VLD1.P	64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P	64(R2), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD $0x4e3fd610 // fadd v16.4s, v16.4s, v31.4s
	WORD $0x4e3fd631 // fadd v17.4s, v17.4s, v31.4s
	WORD $0x4e3fd652 // fadd v18.4s, v18.4s, v31.4s
	WORD $0x4e3fd673 // fadd v19.4s, v19.4s, v31.4s
	WORD $0x6e3edc00 // fmul v0.4s, v0.4s, v30.4s
	WORD $0x6e3edc21 // fmul v1.4s, v1.4s, v30.4s
	WORD $0x6e3edc42 // fmul v2.4s, v2.4s, v30.4s
	WORD $0x6e3edc63 // fmul v3.4s, v3.4s, v30.4s
	WORD $0x6e30dc00 // fmul v0.4s, v0.4s, v16.4s
	WORD $0x6e31dc21 // fmul v1.4s, v1.4s, v17.4s
	WORD $0x6e32dc42 // fmul v2.4s, v2.4s, v18.4s
	WORD $0x6e33dc63 // fmul v3.4s, v3.4s, v19.4s
	VST1.P	[V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS	$16, R4, R4
	BNE	rmsloop
	RET

// sumNEON: Σx, step 16, four accumulators.
// func sumNEON(x []float32) float32
TEXT ·sumNEON(SB), NOSPLIT, $0-28
	MOVD	x_base+0(FP), R1
	MOVD	x_len+8(FP), R4
	VEOR	V0.B16, V0.B16, V0.B16
	VEOR	V1.B16, V1.B16, V1.B16
	VEOR	V2.B16, V2.B16, V2.B16
	VEOR	V3.B16, V3.B16, V3.B16

sumloop:
	VLD1.P	64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	WORD $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	WORD $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	WORD $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	SUBS	$16, R4, R4
	BNE	sumloop

	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	FMOVS	F0, ret+24(FP)
	RET

// sqDevNEON: Σ(x-mean)², step 16, four accumulators.
// func sqDevNEON(x []float32, mean float32) float32
TEXT ·sqDevNEON(SB), NOSPLIT, $0-36
	MOVD	x_base+0(FP), R1
	MOVD	x_len+8(FP), R4
	FMOVS	mean+24(FP), F31
	VDUP	V31.S[0], V31.S4
	VEOR	V0.B16, V0.B16, V0.B16
	VEOR	V1.B16, V1.B16, V1.B16
	VEOR	V2.B16, V2.B16, V2.B16
	VEOR	V3.B16, V3.B16, V3.B16

sqloop:
	VLD1.P	64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD $0x4ebfd610 // fsub v16.4s, v16.4s, v31.4s
	WORD $0x4ebfd631 // fsub v17.4s, v17.4s, v31.4s
	WORD $0x4ebfd652 // fsub v18.4s, v18.4s, v31.4s
	WORD $0x4ebfd673 // fsub v19.4s, v19.4s, v31.4s
	VFMLA	V16.S4, V16.S4, V0.S4
	VFMLA	V17.S4, V17.S4, V1.S4
	VFMLA	V18.S4, V18.S4, V2.S4
	VFMLA	V19.S4, V19.S4, V3.S4
	SUBS	$16, R4, R4
	BNE	sqloop

	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	FMOVS	F0, ret+32(FP)
	RET

// lnApplyNEON: dst = (x-mean)·r·w + b (the last step one FMLA), step 16.
// func lnApplyNEON(dst, x, w, b []float32, mean, r float32)
TEXT ·lnApplyNEON(SB), NOSPLIT, $0-104
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R4
	MOVD	x_base+24(FP), R1
	MOVD	w_base+48(FP), R2
	MOVD	b_base+72(FP), R3
	FMOVS	mean+96(FP), F31
	FMOVS	r+100(FP), F30
	VDUP	V31.S[0], V31.S4
	VDUP	V30.S[0], V30.S4

lnloop:
	VLD1.P	64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P	64(R2), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P	64(R3), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4ebfd610 // fsub v16.4s, v16.4s, v31.4s
	WORD $0x4ebfd631 // fsub v17.4s, v17.4s, v31.4s
	WORD $0x4ebfd652 // fsub v18.4s, v18.4s, v31.4s
	WORD $0x4ebfd673 // fsub v19.4s, v19.4s, v31.4s
	WORD $0x6e3ede10 // fmul v16.4s, v16.4s, v30.4s
	WORD $0x6e3ede31 // fmul v17.4s, v17.4s, v30.4s
	WORD $0x6e3ede52 // fmul v18.4s, v18.4s, v30.4s
	WORD $0x6e3ede73 // fmul v19.4s, v19.4s, v30.4s
	VFMLA	V16.S4, V20.S4, V0.S4
	VFMLA	V17.S4, V21.S4, V1.S4
	VFMLA	V18.S4, V22.S4, V2.S4
	VFMLA	V19.S4, V23.S4, V3.S4
	VST1.P	[V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS	$16, R4, R4
	BNE	lnloop
	RET
