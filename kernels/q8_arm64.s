//go:build !purego

#include "textflag.h"

// Quantized row kernels for arm64 (Q8_0·Q8_0 here, Q4_0·Q8_0 in
// q4_arm64.s), written by hand. Every WORD is an instruction the Go
// assembler has no mnemonic for; the comment beside it is its disassembly
// (testdata/wordcheck_arm64.sh checks each one with llvm-mc). SDOT is the
// ARMv8.2 dot-product extension (FEAT_DotProd): the *SDOT kernels are only
// in the sdot tier, which dispatch selects only when cpuid reports ASIMDDP.
//
// Each call covers len(y) rows, a multiple of 8, eight rows per pass, over
// nb = len(xd) >= 1 blocks (rowsQArm checks the bounds). Per block: an exact
// int32 dot per row, then acc += float32(isum) · (dw·dx) with each multiply
// and the add rounded in float32, one lane per row: the package doc's order,
// so the results equal rowsQ8Generic's bit for bit.
//
// Register map (both files):
//   R0  y cursor            R1  rows left           R2  first row of the pass
//   R3  wstride             R4  xq                  R5  xd
//   R6  nb                  R7  blocks left         R8-R15 row cursors: each
//   R16 xq cursor           R17 xd cursor           reads a block's fp16 scale,
//   R19 xs                  R20 8·wstride           then its quants, so it
//   R21 xs cursor                                   advances one block
//   V0, V1    the activation block, elements 0-15 and 16-31
//   V2        dx, broadcast
//   V3        the eight rows' fp16 weight scales, lane = row
//   V4-V7     weights and products of even rows; V26-V29 of odd rows
//   V16-V23   int32 lanes of rows 0-7 (NEON: this block; SDOT: a running
//             total over all blocks)
//   V8, V9    NEON: the scales as float32; SDOT: the previous block's totals
//   V10       Q4_0: 8·Σxq of the block, broadcast
//   V15       Q4_0: 0x0f in every byte
//   V24, V25  reduce: isum of rows 0-3 and 4-7 (SDOT: running totals; V6, V7
//             then hold the block's isum)
//   V30, V31  float32 accumulators of rows 0-3 and 4-7
//
// Cost of the main loop per block of eight rows (one pass = 8 × 32 values),
// counted from the code: loads / SIMD ops / loop, and per row-block.
//   rowsQ8NEON  18 / 80 (32 SMULL(2), 32 SADDLP/SADALP, 16 reduce+scale) / 2
//               = 100, 12.5 per row-block
//   rowsQ8SDOT  18 / 36 (16 SDOT, 20 reduce+scale) / 2 = 56, 7 per row-block
//   rowsQ4NEON  19 / 83 (16 AND/USHR, 32 SMULL/SMLAL(2), 16 SADDLP/SADALP,
//               19 reduce+correct+scale) / 2 = 104, 13 per row-block
//   rowsQ4SDOT  19 / 55 (16 AND/USHR, 16 SDOT, 23 reduce+correct+scale) / 2
//               = 76, 9.5 per row-block
// The SDOT kernels keep running totals instead of zeroing eight
// accumulators per block (2 SUB + 2 MOV instead of 8 zeroing ops).

// rowsQ8NEON: per row, SMULL/SMULL2 int16 products, SADDLP/SADALP into int32 lanes.
// func rowsQ8NEON(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ8NEON(SB), NOSPLIT, $0-128
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	wstride+48(FP), R3
	MOVD	xq_base+56(FP), R4
	MOVD	xd_base+80(FP), R5
	MOVD	xd_len+88(FP), R6
	MOVD	xs_base+104(FP), R19
	LSL	$3, R3, R20

group:
	MOVD	R2, R8
	ADD	R3, R8, R9
	ADD	R3, R9, R10
	ADD	R3, R10, R11
	ADD	R3, R11, R12
	ADD	R3, R12, R13
	ADD	R3, R13, R14
	ADD	R3, R14, R15
	MOVD	R4, R16
	MOVD	R5, R17
	MOVD	R19, R21
	MOVD	R6, R7
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

	// main loop: one block of 32 values of eight rows
block:
	VLD1.P	32(R16), [V0.B16, V1.B16]
	VLD1R.P	4(R17), [V2.S4]
	// row 0
	VLD1.P	2(R8), V3.H[0]
	VLD1.P	32(R8), [V4.B16, V5.B16]
	WORD $0x0e20c086 // smull v6.8h, v4.8b, v0.8b
	WORD $0x4e20c087 // smull2 v7.8h, v4.16b, v0.16b
	WORD $0x0e21c0a4 // smull v4.8h, v5.8b, v1.8b
	WORD $0x4e21c0a5 // smull2 v5.8h, v5.16b, v1.16b
	WORD $0x4e6028d0 // saddlp v16.4s, v6.8h
	WORD $0x4e6068f0 // sadalp v16.4s, v7.8h
	WORD $0x4e606890 // sadalp v16.4s, v4.8h
	WORD $0x4e6068b0 // sadalp v16.4s, v5.8h
	// row 1
	VLD1.P	2(R9), V3.H[1]
	VLD1.P	32(R9), [V26.B16, V27.B16]
	WORD $0x0e20c35c // smull v28.8h, v26.8b, v0.8b
	WORD $0x4e20c35d // smull2 v29.8h, v26.16b, v0.16b
	WORD $0x0e21c37a // smull v26.8h, v27.8b, v1.8b
	WORD $0x4e21c37b // smull2 v27.8h, v27.16b, v1.16b
	WORD $0x4e602b91 // saddlp v17.4s, v28.8h
	WORD $0x4e606bb1 // sadalp v17.4s, v29.8h
	WORD $0x4e606b51 // sadalp v17.4s, v26.8h
	WORD $0x4e606b71 // sadalp v17.4s, v27.8h
	// row 2
	VLD1.P	2(R10), V3.H[2]
	VLD1.P	32(R10), [V4.B16, V5.B16]
	WORD $0x0e20c086 // smull v6.8h, v4.8b, v0.8b
	WORD $0x4e20c087 // smull2 v7.8h, v4.16b, v0.16b
	WORD $0x0e21c0a4 // smull v4.8h, v5.8b, v1.8b
	WORD $0x4e21c0a5 // smull2 v5.8h, v5.16b, v1.16b
	WORD $0x4e6028d2 // saddlp v18.4s, v6.8h
	WORD $0x4e6068f2 // sadalp v18.4s, v7.8h
	WORD $0x4e606892 // sadalp v18.4s, v4.8h
	WORD $0x4e6068b2 // sadalp v18.4s, v5.8h
	// row 3
	VLD1.P	2(R11), V3.H[3]
	VLD1.P	32(R11), [V26.B16, V27.B16]
	WORD $0x0e20c35c // smull v28.8h, v26.8b, v0.8b
	WORD $0x4e20c35d // smull2 v29.8h, v26.16b, v0.16b
	WORD $0x0e21c37a // smull v26.8h, v27.8b, v1.8b
	WORD $0x4e21c37b // smull2 v27.8h, v27.16b, v1.16b
	WORD $0x4e602b93 // saddlp v19.4s, v28.8h
	WORD $0x4e606bb3 // sadalp v19.4s, v29.8h
	WORD $0x4e606b53 // sadalp v19.4s, v26.8h
	WORD $0x4e606b73 // sadalp v19.4s, v27.8h
	// row 4
	VLD1.P	2(R12), V3.H[4]
	VLD1.P	32(R12), [V4.B16, V5.B16]
	WORD $0x0e20c086 // smull v6.8h, v4.8b, v0.8b
	WORD $0x4e20c087 // smull2 v7.8h, v4.16b, v0.16b
	WORD $0x0e21c0a4 // smull v4.8h, v5.8b, v1.8b
	WORD $0x4e21c0a5 // smull2 v5.8h, v5.16b, v1.16b
	WORD $0x4e6028d4 // saddlp v20.4s, v6.8h
	WORD $0x4e6068f4 // sadalp v20.4s, v7.8h
	WORD $0x4e606894 // sadalp v20.4s, v4.8h
	WORD $0x4e6068b4 // sadalp v20.4s, v5.8h
	// row 5
	VLD1.P	2(R13), V3.H[5]
	VLD1.P	32(R13), [V26.B16, V27.B16]
	WORD $0x0e20c35c // smull v28.8h, v26.8b, v0.8b
	WORD $0x4e20c35d // smull2 v29.8h, v26.16b, v0.16b
	WORD $0x0e21c37a // smull v26.8h, v27.8b, v1.8b
	WORD $0x4e21c37b // smull2 v27.8h, v27.16b, v1.16b
	WORD $0x4e602b95 // saddlp v21.4s, v28.8h
	WORD $0x4e606bb5 // sadalp v21.4s, v29.8h
	WORD $0x4e606b55 // sadalp v21.4s, v26.8h
	WORD $0x4e606b75 // sadalp v21.4s, v27.8h
	// row 6
	VLD1.P	2(R14), V3.H[6]
	VLD1.P	32(R14), [V4.B16, V5.B16]
	WORD $0x0e20c086 // smull v6.8h, v4.8b, v0.8b
	WORD $0x4e20c087 // smull2 v7.8h, v4.16b, v0.16b
	WORD $0x0e21c0a4 // smull v4.8h, v5.8b, v1.8b
	WORD $0x4e21c0a5 // smull2 v5.8h, v5.16b, v1.16b
	WORD $0x4e6028d6 // saddlp v22.4s, v6.8h
	WORD $0x4e6068f6 // sadalp v22.4s, v7.8h
	WORD $0x4e606896 // sadalp v22.4s, v4.8h
	WORD $0x4e6068b6 // sadalp v22.4s, v5.8h
	// row 7
	VLD1.P	2(R15), V3.H[7]
	VLD1.P	32(R15), [V26.B16, V27.B16]
	WORD $0x0e20c35c // smull v28.8h, v26.8b, v0.8b
	WORD $0x4e20c35d // smull2 v29.8h, v26.16b, v0.16b
	WORD $0x0e21c37a // smull v26.8h, v27.8b, v1.8b
	WORD $0x4e21c37b // smull2 v27.8h, v27.16b, v1.16b
	WORD $0x4e602b97 // saddlp v23.4s, v28.8h
	WORD $0x4e606bb7 // sadalp v23.4s, v29.8h
	WORD $0x4e606b57 // sadalp v23.4s, v26.8h
	WORD $0x4e606b77 // sadalp v23.4s, v27.8h

	// reduce: pairwise sums, V24 = rows 0-3, V25 = rows 4-7
	VADDP	V17.S4, V16.S4, V24.S4
	VADDP	V19.S4, V18.S4, V25.S4
	VADDP	V25.S4, V24.S4, V24.S4
	VADDP	V21.S4, V20.S4, V25.S4
	VADDP	V23.S4, V22.S4, V26.S4
	VADDP	V26.S4, V25.S4, V25.S4
	// acc += float32(isum) · (dw·dx), each step rounded as in the generic code
	WORD $0x4e21db18 // scvtf v24.4s, v24.4s
	WORD $0x4e21db39 // scvtf v25.4s, v25.4s
	WORD $0x0e217868 // fcvtl v8.4s, v3.4h
	WORD $0x4e217869 // fcvtl2 v9.4s, v3.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x6e28df18 // fmul v24.4s, v24.4s, v8.4s
	WORD $0x6e29df39 // fmul v25.4s, v25.4s, v9.4s
	WORD $0x4e38d7de // fadd v30.4s, v30.4s, v24.4s
	WORD $0x4e39d7ff // fadd v31.4s, v31.4s, v25.4s
	SUBS	$1, R7, R7
	BNE	block

	VST1.P	[V30.S4, V31.S4], 32(R0)
	ADD	R20, R2, R2
	SUBS	$8, R1, R1
	BNE	group
	RET


// rowsQ8SDOT: per row, two SDOTs into running int32 lanes.
// func rowsQ8SDOT(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ8SDOT(SB), NOSPLIT, $0-128
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	wstride+48(FP), R3
	MOVD	xq_base+56(FP), R4
	MOVD	xd_base+80(FP), R5
	MOVD	xd_len+88(FP), R6
	MOVD	xs_base+104(FP), R19
	LSL	$3, R3, R20

group:
	MOVD	R2, R8
	ADD	R3, R8, R9
	ADD	R3, R9, R10
	ADD	R3, R10, R11
	ADD	R3, R11, R12
	ADD	R3, R12, R13
	ADD	R3, R13, R14
	ADD	R3, R14, R15
	MOVD	R4, R16
	MOVD	R5, R17
	MOVD	R19, R21
	MOVD	R6, R7
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	VEOR	V8.B16, V8.B16, V8.B16
	VEOR	V9.B16, V9.B16, V9.B16

	// main loop: one block of 32 values of eight rows
block:
	VLD1.P	32(R16), [V0.B16, V1.B16]
	VLD1R.P	4(R17), [V2.S4]
	// row 0
	VLD1.P	2(R8), V3.H[0]
	VLD1.P	32(R8), [V4.B16, V5.B16]
	WORD $0x4e809490 // sdot v16.4s, v4.16b, v0.16b
	WORD $0x4e8194b0 // sdot v16.4s, v5.16b, v1.16b
	// row 1
	VLD1.P	2(R9), V3.H[1]
	VLD1.P	32(R9), [V26.B16, V27.B16]
	WORD $0x4e809751 // sdot v17.4s, v26.16b, v0.16b
	WORD $0x4e819771 // sdot v17.4s, v27.16b, v1.16b
	// row 2
	VLD1.P	2(R10), V3.H[2]
	VLD1.P	32(R10), [V4.B16, V5.B16]
	WORD $0x4e809492 // sdot v18.4s, v4.16b, v0.16b
	WORD $0x4e8194b2 // sdot v18.4s, v5.16b, v1.16b
	// row 3
	VLD1.P	2(R11), V3.H[3]
	VLD1.P	32(R11), [V26.B16, V27.B16]
	WORD $0x4e809753 // sdot v19.4s, v26.16b, v0.16b
	WORD $0x4e819773 // sdot v19.4s, v27.16b, v1.16b
	// row 4
	VLD1.P	2(R12), V3.H[4]
	VLD1.P	32(R12), [V4.B16, V5.B16]
	WORD $0x4e809494 // sdot v20.4s, v4.16b, v0.16b
	WORD $0x4e8194b4 // sdot v20.4s, v5.16b, v1.16b
	// row 5
	VLD1.P	2(R13), V3.H[5]
	VLD1.P	32(R13), [V26.B16, V27.B16]
	WORD $0x4e809755 // sdot v21.4s, v26.16b, v0.16b
	WORD $0x4e819775 // sdot v21.4s, v27.16b, v1.16b
	// row 6
	VLD1.P	2(R14), V3.H[6]
	VLD1.P	32(R14), [V4.B16, V5.B16]
	WORD $0x4e809496 // sdot v22.4s, v4.16b, v0.16b
	WORD $0x4e8194b6 // sdot v22.4s, v5.16b, v1.16b
	// row 7
	VLD1.P	2(R15), V3.H[7]
	VLD1.P	32(R15), [V26.B16, V27.B16]
	WORD $0x4e809757 // sdot v23.4s, v26.16b, v0.16b
	WORD $0x4e819777 // sdot v23.4s, v27.16b, v1.16b

	// reduce: pairwise sums, V24 = rows 0-3, V25 = rows 4-7
	VADDP	V17.S4, V16.S4, V24.S4
	VADDP	V19.S4, V18.S4, V25.S4
	VADDP	V25.S4, V24.S4, V24.S4
	VADDP	V21.S4, V20.S4, V25.S4
	VADDP	V23.S4, V22.S4, V26.S4
	VADDP	V26.S4, V25.S4, V25.S4
	// the accumulators run over all blocks: this block is the difference
	// (exact modulo 2³², and the block's true sum fits in 20 bits)
	VSUB	V8.S4, V24.S4, V6.S4
	VSUB	V9.S4, V25.S4, V7.S4
	VMOV	V24.B16, V8.B16
	VMOV	V25.B16, V9.B16
	// acc += float32(isum) · (dw·dx), each step rounded as in the generic code
	WORD $0x4e21d8c6 // scvtf v6.4s, v6.4s
	WORD $0x4e21d8e7 // scvtf v7.4s, v7.4s
	WORD $0x0e21787c // fcvtl v28.4s, v3.4h
	WORD $0x4e21787d // fcvtl2 v29.4s, v3.8h
	WORD $0x6e22df9c // fmul v28.4s, v28.4s, v2.4s
	WORD $0x6e22dfbd // fmul v29.4s, v29.4s, v2.4s
	WORD $0x6e3cdcc6 // fmul v6.4s, v6.4s, v28.4s
	WORD $0x6e3ddce7 // fmul v7.4s, v7.4s, v29.4s
	WORD $0x4e26d7de // fadd v30.4s, v30.4s, v6.4s
	WORD $0x4e27d7ff // fadd v31.4s, v31.4s, v7.4s
	SUBS	$1, R7, R7
	BNE	block

	VST1.P	[V30.S4, V31.S4], 32(R0)
	ADD	R20, R2, R2
	SUBS	$8, R1, R1
	BNE	group
	RET

