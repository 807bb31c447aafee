//go:build !purego

#include "textflag.h"

// Kernels built on a vector exp for arm64, written by hand; the algorithm
// is the amd64 one (asm_gen/expk.go: Cephes expf, n = round(x·log2 e),
// f = x - n·ln2 in two parts, e^f by a degree-6 polynomial, times 2^n, x
// clamped to [-64, 88] with lanes at the low clamp set to exactly 0;
// relative error ~2e-7). gelu_tanh(x) = 0.5x(1+tanh(u)) is computed as
// x / (1 + exp(-2u)), u = sqrt(2/π)(x + 0.044715x³). Eight floats per step
// in two independent lane sets; lengths are nonzero multiples of 8 and the
// Go side finishes tails. WORDs carry their disassembly
// (testdata/wordcheck_arm64.sh).
//
// Register map:
//   R0  dst (expSum: x)   R1  gate or x   R2  up   R4  elements left
//   R5  constant table cursor
//   V0-V7    lane set A: x, keep, n, p, t, z, input, up
//   V8-V15   lane set B, the same
//   V16-V30  constants (table below, in order)
//   V29, V30 expSum: m and the second partial sum; V31: the first

DATA	expconst<>+0(SB)/4, $0xc2800000 // low clamp: inputs at or below it give exactly 0
DATA	expconst<>+4(SB)/4, $0x42b00000 // high clamp
DATA	expconst<>+8(SB)/4, $0x3fb8aa3b // log2 e
DATA	expconst<>+12(SB)/4, $0x3f318000 // ln2, high part
DATA	expconst<>+16(SB)/4, $0xb95e8083 // ln2, low part
DATA	expconst<>+20(SB)/4, $0x39506967 // c5
DATA	expconst<>+24(SB)/4, $0x3ab743ce // c6
DATA	expconst<>+28(SB)/4, $0x3c088908 // c7
DATA	expconst<>+32(SB)/4, $0x3d2aa9c1 // c8
DATA	expconst<>+36(SB)/4, $0x3e2aaaaa // c9
DATA	expconst<>+40(SB)/4, $0x3f000000 // c10
DATA	expconst<>+44(SB)/4, $0x3f800000 // 1
DATA	expconst<>+48(SB)/4, $0x0000007f // int32 127, the exponent bias
DATA	expconst<>+52(SB)/4, $0xbfcc422a // -2·sqrt(2/π)
DATA	expconst<>+56(SB)/4, $0x3d372713 // 0.044715
GLOBL	expconst<>(SB), RODATA|NOPTR, $60

// geluMulNEON: dst = gelu_tanh(gate)·up.
// func geluMulNEON(dst, gate, up []float32)
TEXT ·geluMulNEON(SB), NOSPLIT, $0-72
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R4
	MOVD	gate_base+24(FP), R1
	MOVD	up_base+48(FP), R2
	MOVD	$expconst<>(SB), R5
	VLD1R.P	4(R5), [V16.S4]
	VLD1R.P	4(R5), [V17.S4]
	VLD1R.P	4(R5), [V18.S4]
	VLD1R.P	4(R5), [V19.S4]
	VLD1R.P	4(R5), [V20.S4]
	VLD1R.P	4(R5), [V21.S4]
	VLD1R.P	4(R5), [V22.S4]
	VLD1R.P	4(R5), [V23.S4]
	VLD1R.P	4(R5), [V24.S4]
	VLD1R.P	4(R5), [V25.S4]
	VLD1R.P	4(R5), [V26.S4]
	VLD1R.P	4(R5), [V27.S4]
	VLD1R.P	4(R5), [V28.S4]
	VLD1R.P	4(R5), [V29.S4]
	VLD1R.P	4(R5), [V30.S4]

	// main loop: eight floats
geluMulNEONloop:
	VLD1.P	16(R1), [V6.S4]
	VLD1.P	16(R1), [V14.S4]
	VLD1.P	16(R2), [V7.S4]
	VLD1.P	16(R2), [V15.S4]
	// x = -2·sqrt(2/π)·(g + 0.044715·g³)
	WORD $0x6e26dcc4 // fmul v4.4s, v6.4s, v6.4s
	WORD $0x6e2eddcc // fmul v12.4s, v14.4s, v14.4s
	WORD $0x6e3edc84 // fmul v4.4s, v4.4s, v30.4s
	WORD $0x6e3edd8c // fmul v12.4s, v12.4s, v30.4s
	VMOV	V6.B16, V0.B16
	VMOV	V14.B16, V8.B16
	VFMLA	V4.S4, V6.S4, V0.S4
	VFMLA	V12.S4, V14.S4, V8.S4
	WORD $0x6e3ddc00 // fmul v0.4s, v0.4s, v29.4s
	WORD $0x6e3ddd08 // fmul v8.4s, v8.4s, v29.4s
	// x clamped to [-64, 88]; keep = x > -64
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4e30f508 // fmax v8.4s, v8.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x4eb1f508 // fmin v8.4s, v8.4s, v17.4s
	WORD $0x6eb0e401 // fcmgt v1.4s, v0.4s, v16.4s
	WORD $0x6eb0e509 // fcmgt v9.4s, v8.4s, v16.4s
	// n = round(x·log2 e); f = x - n·ln2
	WORD $0x6e32dc02 // fmul v2.4s, v0.4s, v18.4s
	WORD $0x6e32dd0a // fmul v10.4s, v8.4s, v18.4s
	WORD $0x4e218842 // frintn v2.4s, v2.4s
	WORD $0x4e21894a // frintn v10.4s, v10.4s
	VFMLS	V19.S4, V2.S4, V0.S4
	VFMLS	V19.S4, V10.S4, V8.S4
	VFMLS	V20.S4, V2.S4, V0.S4
	VFMLS	V20.S4, V10.S4, V8.S4
	// e^f = 1 + f + f²·p(f), p of degree 5 by Horner (t, p alternate)
	VMOV	V22.B16, V4.B16
	VMOV	V22.B16, V12.B16
	VFMLA	V21.S4, V0.S4, V4.S4
	VFMLA	V21.S4, V8.S4, V12.S4
	VMOV	V23.B16, V3.B16
	VMOV	V23.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V24.B16, V4.B16
	VMOV	V24.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	VMOV	V25.B16, V3.B16
	VMOV	V25.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V26.B16, V4.B16
	VMOV	V26.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	WORD $0x6e20dc05 // fmul v5.4s, v0.4s, v0.4s
	WORD $0x6e28dd0d // fmul v13.4s, v8.4s, v8.4s
	VFMLA	V4.S4, V5.S4, V0.S4
	VFMLA	V12.S4, V13.S4, V8.S4
	WORD $0x4e3bd400 // fadd v0.4s, v0.4s, v27.4s
	WORD $0x4e3bd508 // fadd v8.4s, v8.4s, v27.4s
	// times 2^n: (n+127)<<23 is 2^n as float32 bits (n in [-93, 127])
	WORD $0x4ea1b842 // fcvtzs v2.4s, v2.4s
	WORD $0x4ea1b94a // fcvtzs v10.4s, v10.4s
	VADD	V28.S4, V2.S4, V2.S4
	VADD	V28.S4, V10.S4, V10.S4
	VSHL	$23, V2.S4, V2.S4
	VSHL	$23, V10.S4, V10.S4
	WORD $0x6e22dc00 // fmul v0.4s, v0.4s, v2.4s
	WORD $0x6e2add08 // fmul v8.4s, v8.4s, v10.4s
	VAND	V1.B16, V0.B16, V0.B16
	VAND	V9.B16, V8.B16, V8.B16
	// g / (1 + e)
	WORD $0x4e3bd400 // fadd v0.4s, v0.4s, v27.4s
	WORD $0x4e3bd508 // fadd v8.4s, v8.4s, v27.4s
	WORD $0x6e20fcc0 // fdiv v0.4s, v6.4s, v0.4s
	WORD $0x6e28fdc8 // fdiv v8.4s, v14.4s, v8.4s
	WORD $0x6e27dc00 // fmul v0.4s, v0.4s, v7.4s
	WORD $0x6e2fdd08 // fmul v8.4s, v8.4s, v15.4s
	VST1.P	[V0.S4], 16(R0)
	VST1.P	[V8.S4], 16(R0)
	SUBS	$8, R4, R4
	BNE	geluMulNEONloop
	RET

// geluNEON: dst = gelu_tanh(x).
// func geluNEON(dst, x []float32)
TEXT ·geluNEON(SB), NOSPLIT, $0-48
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R4
	MOVD	x_base+24(FP), R1
	MOVD	$expconst<>(SB), R5
	VLD1R.P	4(R5), [V16.S4]
	VLD1R.P	4(R5), [V17.S4]
	VLD1R.P	4(R5), [V18.S4]
	VLD1R.P	4(R5), [V19.S4]
	VLD1R.P	4(R5), [V20.S4]
	VLD1R.P	4(R5), [V21.S4]
	VLD1R.P	4(R5), [V22.S4]
	VLD1R.P	4(R5), [V23.S4]
	VLD1R.P	4(R5), [V24.S4]
	VLD1R.P	4(R5), [V25.S4]
	VLD1R.P	4(R5), [V26.S4]
	VLD1R.P	4(R5), [V27.S4]
	VLD1R.P	4(R5), [V28.S4]
	VLD1R.P	4(R5), [V29.S4]
	VLD1R.P	4(R5), [V30.S4]

	// main loop: eight floats
geluNEONloop:
	VLD1.P	16(R1), [V6.S4]
	VLD1.P	16(R1), [V14.S4]
	// x = -2·sqrt(2/π)·(g + 0.044715·g³)
	WORD $0x6e26dcc4 // fmul v4.4s, v6.4s, v6.4s
	WORD $0x6e2eddcc // fmul v12.4s, v14.4s, v14.4s
	WORD $0x6e3edc84 // fmul v4.4s, v4.4s, v30.4s
	WORD $0x6e3edd8c // fmul v12.4s, v12.4s, v30.4s
	VMOV	V6.B16, V0.B16
	VMOV	V14.B16, V8.B16
	VFMLA	V4.S4, V6.S4, V0.S4
	VFMLA	V12.S4, V14.S4, V8.S4
	WORD $0x6e3ddc00 // fmul v0.4s, v0.4s, v29.4s
	WORD $0x6e3ddd08 // fmul v8.4s, v8.4s, v29.4s
	// x clamped to [-64, 88]; keep = x > -64
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4e30f508 // fmax v8.4s, v8.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x4eb1f508 // fmin v8.4s, v8.4s, v17.4s
	WORD $0x6eb0e401 // fcmgt v1.4s, v0.4s, v16.4s
	WORD $0x6eb0e509 // fcmgt v9.4s, v8.4s, v16.4s
	// n = round(x·log2 e); f = x - n·ln2
	WORD $0x6e32dc02 // fmul v2.4s, v0.4s, v18.4s
	WORD $0x6e32dd0a // fmul v10.4s, v8.4s, v18.4s
	WORD $0x4e218842 // frintn v2.4s, v2.4s
	WORD $0x4e21894a // frintn v10.4s, v10.4s
	VFMLS	V19.S4, V2.S4, V0.S4
	VFMLS	V19.S4, V10.S4, V8.S4
	VFMLS	V20.S4, V2.S4, V0.S4
	VFMLS	V20.S4, V10.S4, V8.S4
	// e^f = 1 + f + f²·p(f), p of degree 5 by Horner (t, p alternate)
	VMOV	V22.B16, V4.B16
	VMOV	V22.B16, V12.B16
	VFMLA	V21.S4, V0.S4, V4.S4
	VFMLA	V21.S4, V8.S4, V12.S4
	VMOV	V23.B16, V3.B16
	VMOV	V23.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V24.B16, V4.B16
	VMOV	V24.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	VMOV	V25.B16, V3.B16
	VMOV	V25.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V26.B16, V4.B16
	VMOV	V26.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	WORD $0x6e20dc05 // fmul v5.4s, v0.4s, v0.4s
	WORD $0x6e28dd0d // fmul v13.4s, v8.4s, v8.4s
	VFMLA	V4.S4, V5.S4, V0.S4
	VFMLA	V12.S4, V13.S4, V8.S4
	WORD $0x4e3bd400 // fadd v0.4s, v0.4s, v27.4s
	WORD $0x4e3bd508 // fadd v8.4s, v8.4s, v27.4s
	// times 2^n: (n+127)<<23 is 2^n as float32 bits (n in [-93, 127])
	WORD $0x4ea1b842 // fcvtzs v2.4s, v2.4s
	WORD $0x4ea1b94a // fcvtzs v10.4s, v10.4s
	VADD	V28.S4, V2.S4, V2.S4
	VADD	V28.S4, V10.S4, V10.S4
	VSHL	$23, V2.S4, V2.S4
	VSHL	$23, V10.S4, V10.S4
	WORD $0x6e22dc00 // fmul v0.4s, v0.4s, v2.4s
	WORD $0x6e2add08 // fmul v8.4s, v8.4s, v10.4s
	VAND	V1.B16, V0.B16, V0.B16
	VAND	V9.B16, V8.B16, V8.B16
	// g / (1 + e)
	WORD $0x4e3bd400 // fadd v0.4s, v0.4s, v27.4s
	WORD $0x4e3bd508 // fadd v8.4s, v8.4s, v27.4s
	WORD $0x6e20fcc0 // fdiv v0.4s, v6.4s, v0.4s
	WORD $0x6e28fdc8 // fdiv v8.4s, v14.4s, v8.4s
	VST1.P	[V0.S4], 16(R0)
	VST1.P	[V8.S4], 16(R0)
	SUBS	$8, R4, R4
	BNE	geluNEONloop
	RET

// expSumNEON: x = exp(x - m), returns Σx (two partial sums of four lanes).
// func expSumNEON(x []float32, m float32) float32
TEXT ·expSumNEON(SB), NOSPLIT, $0-36
	MOVD	x_base+0(FP), R0
	MOVD	x_len+8(FP), R4
	MOVD	$expconst<>(SB), R5
	VLD1R.P	4(R5), [V16.S4]
	VLD1R.P	4(R5), [V17.S4]
	VLD1R.P	4(R5), [V18.S4]
	VLD1R.P	4(R5), [V19.S4]
	VLD1R.P	4(R5), [V20.S4]
	VLD1R.P	4(R5), [V21.S4]
	VLD1R.P	4(R5), [V22.S4]
	VLD1R.P	4(R5), [V23.S4]
	VLD1R.P	4(R5), [V24.S4]
	VLD1R.P	4(R5), [V25.S4]
	VLD1R.P	4(R5), [V26.S4]
	VLD1R.P	4(R5), [V27.S4]
	VLD1R.P	4(R5), [V28.S4]
	VLD1R.P	4(R5), [V29.S4]
	VLD1R.P	4(R5), [V30.S4]
	FMOVS	m+24(FP), F29
	VDUP	V29.S[0], V29.S4
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

	// main loop: eight floats
expsumloop:
	VLD1	(R0), [V0.S4]
	ADD	$16, R0, R6
	VLD1	(R6), [V8.S4]
	WORD $0x4ebdd400 // fsub v0.4s, v0.4s, v29.4s
	WORD $0x4ebdd508 // fsub v8.4s, v8.4s, v29.4s
	// x clamped to [-64, 88]; keep = x > -64
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4e30f508 // fmax v8.4s, v8.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x4eb1f508 // fmin v8.4s, v8.4s, v17.4s
	WORD $0x6eb0e401 // fcmgt v1.4s, v0.4s, v16.4s
	WORD $0x6eb0e509 // fcmgt v9.4s, v8.4s, v16.4s
	// n = round(x·log2 e); f = x - n·ln2
	WORD $0x6e32dc02 // fmul v2.4s, v0.4s, v18.4s
	WORD $0x6e32dd0a // fmul v10.4s, v8.4s, v18.4s
	WORD $0x4e218842 // frintn v2.4s, v2.4s
	WORD $0x4e21894a // frintn v10.4s, v10.4s
	VFMLS	V19.S4, V2.S4, V0.S4
	VFMLS	V19.S4, V10.S4, V8.S4
	VFMLS	V20.S4, V2.S4, V0.S4
	VFMLS	V20.S4, V10.S4, V8.S4
	// e^f = 1 + f + f²·p(f), p of degree 5 by Horner (t, p alternate)
	VMOV	V22.B16, V4.B16
	VMOV	V22.B16, V12.B16
	VFMLA	V21.S4, V0.S4, V4.S4
	VFMLA	V21.S4, V8.S4, V12.S4
	VMOV	V23.B16, V3.B16
	VMOV	V23.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V24.B16, V4.B16
	VMOV	V24.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	VMOV	V25.B16, V3.B16
	VMOV	V25.B16, V11.B16
	VFMLA	V4.S4, V0.S4, V3.S4
	VFMLA	V12.S4, V8.S4, V11.S4
	VMOV	V26.B16, V4.B16
	VMOV	V26.B16, V12.B16
	VFMLA	V3.S4, V0.S4, V4.S4
	VFMLA	V11.S4, V8.S4, V12.S4
	WORD $0x6e20dc05 // fmul v5.4s, v0.4s, v0.4s
	WORD $0x6e28dd0d // fmul v13.4s, v8.4s, v8.4s
	VFMLA	V4.S4, V5.S4, V0.S4
	VFMLA	V12.S4, V13.S4, V8.S4
	WORD $0x4e3bd400 // fadd v0.4s, v0.4s, v27.4s
	WORD $0x4e3bd508 // fadd v8.4s, v8.4s, v27.4s
	// times 2^n: (n+127)<<23 is 2^n as float32 bits (n in [-93, 127])
	WORD $0x4ea1b842 // fcvtzs v2.4s, v2.4s
	WORD $0x4ea1b94a // fcvtzs v10.4s, v10.4s
	VADD	V28.S4, V2.S4, V2.S4
	VADD	V28.S4, V10.S4, V10.S4
	VSHL	$23, V2.S4, V2.S4
	VSHL	$23, V10.S4, V10.S4
	WORD $0x6e22dc00 // fmul v0.4s, v0.4s, v2.4s
	WORD $0x6e2add08 // fmul v8.4s, v8.4s, v10.4s
	VAND	V1.B16, V0.B16, V0.B16
	VAND	V9.B16, V8.B16, V8.B16
	VST1.P	[V0.S4], 16(R0)
	VST1.P	[V8.S4], 16(R0)
	WORD $0x4e20d7ff // fadd v31.4s, v31.4s, v0.4s
	WORD $0x4e28d7de // fadd v30.4s, v30.4s, v8.4s
	SUBS	$8, R4, R4
	BNE	expsumloop

	// reduce
	WORD $0x4e3ed7ff // fadd v31.4s, v31.4s, v30.4s
	WORD $0x6e3fd7ff // faddp v31.4s, v31.4s, v31.4s
	WORD $0x7e30dbff // faddp s31, v31.2s
	FMOVS	F31, ret+32(FP)
	RET

