//go:build !purego

#include "textflag.h"

// Float row kernels for arm64 (one token: y[r] = Σ_i w[r][i]·x[i]), written
// by hand; WORDs carry their disassembly (testdata/wordcheck_arm64.sh).
// Four rows per pass (len(y) a multiple of 4), the first len(x)&^15
// elements of each row; rowsFArm adds the rest in Go. FMLA rounds once per
// product-add, so the result is within the generic bound (k·2⁻²⁴·Σ|wx|),
// not bit-equal to it.
//
// Register map:
//   R0  y cursor      R1  rows left     R2  first row of the pass
//   R3  x             R4  k = len(x)    R5  row stride in bytes
//   R6  k&^15         R7  elements left R8-R11 row cursors
//   R12 x cursor      R13 4·stride
//   V0-V3    16 elements of x
//   V4-V7    even rows' weights as float32; V24-V27 odd rows'
//   V16-V23  two accumulators per row (row r: V16+2r, V17+2r)
//   V31      bf16: zero, the low halves of the widened floats

// func rowsF32NEON(y []float32, w []float32, x []float32)
TEXT ·rowsF32NEON(SB), NOSPLIT, $0-72
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	x_base+48(FP), R3
	MOVD	x_len+56(FP), R4
	LSL	$2, R4, R5 // row stride in bytes
	LSL	$2, R5, R13      // four rows
	AND	$~15, R4, R6     // elements done here

group:
	MOVD	R2, R8
	ADD	R5, R8, R9
	ADD	R5, R9, R10
	ADD	R5, R10, R11
	MOVD	R3, R12
	MOVD	R6, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CBZ	R7, reduce

	// main loop: 16 elements of four rows, two accumulators per row
loop:
	VLD1.P	64(R12), [V0.S4, V1.S4, V2.S4, V3.S4]
	// row 0
	VLD1.P	64(R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	VFMLA	V4.S4, V0.S4, V16.S4
	VFMLA	V5.S4, V1.S4, V17.S4
	VFMLA	V6.S4, V2.S4, V16.S4
	VFMLA	V7.S4, V3.S4, V17.S4
	// row 1
	VLD1.P	64(R9), [V24.S4, V25.S4, V26.S4, V27.S4]
	VFMLA	V24.S4, V0.S4, V18.S4
	VFMLA	V25.S4, V1.S4, V19.S4
	VFMLA	V26.S4, V2.S4, V18.S4
	VFMLA	V27.S4, V3.S4, V19.S4
	// row 2
	VLD1.P	64(R10), [V4.S4, V5.S4, V6.S4, V7.S4]
	VFMLA	V4.S4, V0.S4, V20.S4
	VFMLA	V5.S4, V1.S4, V21.S4
	VFMLA	V6.S4, V2.S4, V20.S4
	VFMLA	V7.S4, V3.S4, V21.S4
	// row 3
	VLD1.P	64(R11), [V24.S4, V25.S4, V26.S4, V27.S4]
	VFMLA	V24.S4, V0.S4, V22.S4
	VFMLA	V25.S4, V1.S4, V23.S4
	VFMLA	V26.S4, V2.S4, V22.S4
	VFMLA	V27.S4, V3.S4, V23.S4
	SUBS	$16, R7, R7
	BNE	loop

	// reduce: V16 = the four rows' sums
reduce:
	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD $0x4e33d652 // fadd v18.4s, v18.4s, v19.4s
	WORD $0x4e35d694 // fadd v20.4s, v20.4s, v21.4s
	WORD $0x4e37d6d6 // fadd v22.4s, v22.4s, v23.4s
	WORD $0x6e32d610 // faddp v16.4s, v16.4s, v18.4s
	WORD $0x6e36d694 // faddp v20.4s, v20.4s, v22.4s
	WORD $0x6e34d610 // faddp v16.4s, v16.4s, v20.4s
	VST1.P	[V16.S4], 16(R0)
	ADD	R13, R2, R2
	SUBS	$4, R1, R1
	BNE	group
	RET

// func rowsF16NEON(y []float32, w []uint16, x []float32)
TEXT ·rowsF16NEON(SB), NOSPLIT, $0-72
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	x_base+48(FP), R3
	MOVD	x_len+56(FP), R4
	LSL	$1, R4, R5 // row stride in bytes
	LSL	$2, R5, R13      // four rows
	AND	$~15, R4, R6     // elements done here

group:
	MOVD	R2, R8
	ADD	R5, R8, R9
	ADD	R5, R9, R10
	ADD	R5, R10, R11
	MOVD	R3, R12
	MOVD	R6, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CBZ	R7, reduce

	// main loop: 16 elements of four rows, two accumulators per row
loop:
	VLD1.P	64(R12), [V0.S4, V1.S4, V2.S4, V3.S4]
	// row 0
	VLD1.P	32(R8), [V4.H8, V5.H8]
	WORD $0x0e217886 // fcvtl v6.4s, v4.4h
	WORD $0x4e217887 // fcvtl2 v7.4s, v4.8h
	WORD $0x0e2178a4 // fcvtl v4.4s, v5.4h
	WORD $0x4e2178a5 // fcvtl2 v5.4s, v5.8h
	VFMLA	V6.S4, V0.S4, V16.S4
	VFMLA	V7.S4, V1.S4, V17.S4
	VFMLA	V4.S4, V2.S4, V16.S4
	VFMLA	V5.S4, V3.S4, V17.S4
	// row 1
	VLD1.P	32(R9), [V24.H8, V25.H8]
	WORD $0x0e217b1a // fcvtl v26.4s, v24.4h
	WORD $0x4e217b1b // fcvtl2 v27.4s, v24.8h
	WORD $0x0e217b38 // fcvtl v24.4s, v25.4h
	WORD $0x4e217b39 // fcvtl2 v25.4s, v25.8h
	VFMLA	V26.S4, V0.S4, V18.S4
	VFMLA	V27.S4, V1.S4, V19.S4
	VFMLA	V24.S4, V2.S4, V18.S4
	VFMLA	V25.S4, V3.S4, V19.S4
	// row 2
	VLD1.P	32(R10), [V4.H8, V5.H8]
	WORD $0x0e217886 // fcvtl v6.4s, v4.4h
	WORD $0x4e217887 // fcvtl2 v7.4s, v4.8h
	WORD $0x0e2178a4 // fcvtl v4.4s, v5.4h
	WORD $0x4e2178a5 // fcvtl2 v5.4s, v5.8h
	VFMLA	V6.S4, V0.S4, V20.S4
	VFMLA	V7.S4, V1.S4, V21.S4
	VFMLA	V4.S4, V2.S4, V20.S4
	VFMLA	V5.S4, V3.S4, V21.S4
	// row 3
	VLD1.P	32(R11), [V24.H8, V25.H8]
	WORD $0x0e217b1a // fcvtl v26.4s, v24.4h
	WORD $0x4e217b1b // fcvtl2 v27.4s, v24.8h
	WORD $0x0e217b38 // fcvtl v24.4s, v25.4h
	WORD $0x4e217b39 // fcvtl2 v25.4s, v25.8h
	VFMLA	V26.S4, V0.S4, V22.S4
	VFMLA	V27.S4, V1.S4, V23.S4
	VFMLA	V24.S4, V2.S4, V22.S4
	VFMLA	V25.S4, V3.S4, V23.S4
	SUBS	$16, R7, R7
	BNE	loop

	// reduce: V16 = the four rows' sums
reduce:
	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD $0x4e33d652 // fadd v18.4s, v18.4s, v19.4s
	WORD $0x4e35d694 // fadd v20.4s, v20.4s, v21.4s
	WORD $0x4e37d6d6 // fadd v22.4s, v22.4s, v23.4s
	WORD $0x6e32d610 // faddp v16.4s, v16.4s, v18.4s
	WORD $0x6e36d694 // faddp v20.4s, v20.4s, v22.4s
	WORD $0x6e34d610 // faddp v16.4s, v16.4s, v20.4s
	VST1.P	[V16.S4], 16(R0)
	ADD	R13, R2, R2
	SUBS	$4, R1, R1
	BNE	group
	RET

// func rowsBF16NEON(y []float32, w []uint16, x []float32)
TEXT ·rowsBF16NEON(SB), NOSPLIT, $0-72
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	x_base+48(FP), R3
	MOVD	x_len+56(FP), R4
	LSL	$1, R4, R5 // row stride in bytes
	LSL	$2, R5, R13      // four rows
	AND	$~15, R4, R6     // elements done here
	VEOR	V31.B16, V31.B16, V31.B16

group:
	MOVD	R2, R8
	ADD	R5, R8, R9
	ADD	R5, R9, R10
	ADD	R5, R10, R11
	MOVD	R3, R12
	MOVD	R6, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CBZ	R7, reduce

	// main loop: 16 elements of four rows, two accumulators per row
loop:
	VLD1.P	64(R12), [V0.S4, V1.S4, V2.S4, V3.S4]
	// row 0
	VLD1.P	32(R8), [V4.H8, V5.H8]
	VZIP1	V4.H8, V31.H8, V6.H8
	VZIP2	V4.H8, V31.H8, V7.H8
	VZIP1	V5.H8, V31.H8, V4.H8
	VZIP2	V5.H8, V31.H8, V5.H8
	VFMLA	V6.S4, V0.S4, V16.S4
	VFMLA	V7.S4, V1.S4, V17.S4
	VFMLA	V4.S4, V2.S4, V16.S4
	VFMLA	V5.S4, V3.S4, V17.S4
	// row 1
	VLD1.P	32(R9), [V24.H8, V25.H8]
	VZIP1	V24.H8, V31.H8, V26.H8
	VZIP2	V24.H8, V31.H8, V27.H8
	VZIP1	V25.H8, V31.H8, V24.H8
	VZIP2	V25.H8, V31.H8, V25.H8
	VFMLA	V26.S4, V0.S4, V18.S4
	VFMLA	V27.S4, V1.S4, V19.S4
	VFMLA	V24.S4, V2.S4, V18.S4
	VFMLA	V25.S4, V3.S4, V19.S4
	// row 2
	VLD1.P	32(R10), [V4.H8, V5.H8]
	VZIP1	V4.H8, V31.H8, V6.H8
	VZIP2	V4.H8, V31.H8, V7.H8
	VZIP1	V5.H8, V31.H8, V4.H8
	VZIP2	V5.H8, V31.H8, V5.H8
	VFMLA	V6.S4, V0.S4, V20.S4
	VFMLA	V7.S4, V1.S4, V21.S4
	VFMLA	V4.S4, V2.S4, V20.S4
	VFMLA	V5.S4, V3.S4, V21.S4
	// row 3
	VLD1.P	32(R11), [V24.H8, V25.H8]
	VZIP1	V24.H8, V31.H8, V26.H8
	VZIP2	V24.H8, V31.H8, V27.H8
	VZIP1	V25.H8, V31.H8, V24.H8
	VZIP2	V25.H8, V31.H8, V25.H8
	VFMLA	V26.S4, V0.S4, V22.S4
	VFMLA	V27.S4, V1.S4, V23.S4
	VFMLA	V24.S4, V2.S4, V22.S4
	VFMLA	V25.S4, V3.S4, V23.S4
	SUBS	$16, R7, R7
	BNE	loop

	// reduce: V16 = the four rows' sums
reduce:
	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD $0x4e33d652 // fadd v18.4s, v18.4s, v19.4s
	WORD $0x4e35d694 // fadd v20.4s, v20.4s, v21.4s
	WORD $0x4e37d6d6 // fadd v22.4s, v22.4s, v23.4s
	WORD $0x6e32d610 // faddp v16.4s, v16.4s, v18.4s
	WORD $0x6e36d694 // faddp v20.4s, v20.4s, v22.4s
	WORD $0x6e34d610 // faddp v16.4s, v16.4s, v20.4s
	VST1.P	[V16.S4], 16(R0)
	ADD	R13, R2, R2
	SUBS	$4, R1, R1
	BNE	group
	RET

