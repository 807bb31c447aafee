//go:build !purego

#include "textflag.h"

// Panel kernels for the interleaved Q8_0X32 / Q4_0X32 types (tensor.X32Layout;
// twins rowsQ8XGeneric, rowsQ4XGeneric): first the sdot tier's, then the
// neon tier's (further down). A panel's block
// is 32 rows' fp16 scales, then per four quant bytes the 32 rows' bytes, so
// one 16-byte register holds four rows' next four bytes and SDOT by element
// (against four activations picked from V0 / V1) leaves each row's exact
// int32 sum in its own lane: no horizontal sums. WORDs as in q8_arm64.s.
//
// func rowsQ8XSDOT(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
// len(y) a multiple of 32 (panels), nb = len(xd) >= 1 (rowsQXArm checks).
//
// Register map:
//   R0 y cursor   R1 rows left   R2 w cursor (block base)   R3 xq   R4 xd
//   R5 nb         R6 xs          R7 blocks left             R8 xq cursor
//   R9 xd cursor  R10 xs cursor  R11 quant cursor
//   V0, V1   the block's activations (V0.S[j] = x[4j..4j+3], V1 the next 16)
//   V2       dx, broadcast;  V3  Q4_0: 0x0f in every byte
//   V4-V11   one quant group of the panel: four rows per register
//   V12, V13 Q4_0: the nibbles of one register
//   V16-V23  int32 sums of rows 4q..4q+3 (q = 0..7) for this block
//   V24-V31  float32 accumulators of the same rows
// Per block and row: acc += float32(isum) · (dw·dx), each step rounded in
// float32 as the generic code does, so the results are bit-exact.

// func rowsQ8XSDOT(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ8XSDOT(SB), NOSPLIT, $0-120
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	xq_base+48(FP), R3
	MOVD	xd_base+72(FP), R4
	MOVD	xd_len+80(FP), R5
	MOVD	xs_base+96(FP), R6

rowsQ8XSDOT_panel:
	MOVD	R3, R8
	MOVD	R4, R9
	MOVD	R6, R10
	MOVD	R5, R7
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

rowsQ8XSDOT_block:
	VLD1.P	32(R8), [V0.B16, V1.B16]
	VLD1R.P	4(R9), [V2.S4]
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	ADD	$64, R2, R11
	// quant group 0
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f80e090 // sdot v16.4s, v4.16b, v0.4b[0]
	WORD $0x4f80e0b1 // sdot v17.4s, v5.16b, v0.4b[0]
	WORD $0x4f80e0d2 // sdot v18.4s, v6.16b, v0.4b[0]
	WORD $0x4f80e0f3 // sdot v19.4s, v7.16b, v0.4b[0]
	WORD $0x4f80e114 // sdot v20.4s, v8.16b, v0.4b[0]
	WORD $0x4f80e135 // sdot v21.4s, v9.16b, v0.4b[0]
	WORD $0x4f80e156 // sdot v22.4s, v10.16b, v0.4b[0]
	WORD $0x4f80e177 // sdot v23.4s, v11.16b, v0.4b[0]
	// quant group 1
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4fa0e090 // sdot v16.4s, v4.16b, v0.4b[1]
	WORD $0x4fa0e0b1 // sdot v17.4s, v5.16b, v0.4b[1]
	WORD $0x4fa0e0d2 // sdot v18.4s, v6.16b, v0.4b[1]
	WORD $0x4fa0e0f3 // sdot v19.4s, v7.16b, v0.4b[1]
	WORD $0x4fa0e114 // sdot v20.4s, v8.16b, v0.4b[1]
	WORD $0x4fa0e135 // sdot v21.4s, v9.16b, v0.4b[1]
	WORD $0x4fa0e156 // sdot v22.4s, v10.16b, v0.4b[1]
	WORD $0x4fa0e177 // sdot v23.4s, v11.16b, v0.4b[1]
	// quant group 2
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f80e890 // sdot v16.4s, v4.16b, v0.4b[2]
	WORD $0x4f80e8b1 // sdot v17.4s, v5.16b, v0.4b[2]
	WORD $0x4f80e8d2 // sdot v18.4s, v6.16b, v0.4b[2]
	WORD $0x4f80e8f3 // sdot v19.4s, v7.16b, v0.4b[2]
	WORD $0x4f80e914 // sdot v20.4s, v8.16b, v0.4b[2]
	WORD $0x4f80e935 // sdot v21.4s, v9.16b, v0.4b[2]
	WORD $0x4f80e956 // sdot v22.4s, v10.16b, v0.4b[2]
	WORD $0x4f80e977 // sdot v23.4s, v11.16b, v0.4b[2]
	// quant group 3
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4fa0e890 // sdot v16.4s, v4.16b, v0.4b[3]
	WORD $0x4fa0e8b1 // sdot v17.4s, v5.16b, v0.4b[3]
	WORD $0x4fa0e8d2 // sdot v18.4s, v6.16b, v0.4b[3]
	WORD $0x4fa0e8f3 // sdot v19.4s, v7.16b, v0.4b[3]
	WORD $0x4fa0e914 // sdot v20.4s, v8.16b, v0.4b[3]
	WORD $0x4fa0e935 // sdot v21.4s, v9.16b, v0.4b[3]
	WORD $0x4fa0e956 // sdot v22.4s, v10.16b, v0.4b[3]
	WORD $0x4fa0e977 // sdot v23.4s, v11.16b, v0.4b[3]
	// quant group 4
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f81e090 // sdot v16.4s, v4.16b, v1.4b[0]
	WORD $0x4f81e0b1 // sdot v17.4s, v5.16b, v1.4b[0]
	WORD $0x4f81e0d2 // sdot v18.4s, v6.16b, v1.4b[0]
	WORD $0x4f81e0f3 // sdot v19.4s, v7.16b, v1.4b[0]
	WORD $0x4f81e114 // sdot v20.4s, v8.16b, v1.4b[0]
	WORD $0x4f81e135 // sdot v21.4s, v9.16b, v1.4b[0]
	WORD $0x4f81e156 // sdot v22.4s, v10.16b, v1.4b[0]
	WORD $0x4f81e177 // sdot v23.4s, v11.16b, v1.4b[0]
	// quant group 5
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4fa1e090 // sdot v16.4s, v4.16b, v1.4b[1]
	WORD $0x4fa1e0b1 // sdot v17.4s, v5.16b, v1.4b[1]
	WORD $0x4fa1e0d2 // sdot v18.4s, v6.16b, v1.4b[1]
	WORD $0x4fa1e0f3 // sdot v19.4s, v7.16b, v1.4b[1]
	WORD $0x4fa1e114 // sdot v20.4s, v8.16b, v1.4b[1]
	WORD $0x4fa1e135 // sdot v21.4s, v9.16b, v1.4b[1]
	WORD $0x4fa1e156 // sdot v22.4s, v10.16b, v1.4b[1]
	WORD $0x4fa1e177 // sdot v23.4s, v11.16b, v1.4b[1]
	// quant group 6
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f81e890 // sdot v16.4s, v4.16b, v1.4b[2]
	WORD $0x4f81e8b1 // sdot v17.4s, v5.16b, v1.4b[2]
	WORD $0x4f81e8d2 // sdot v18.4s, v6.16b, v1.4b[2]
	WORD $0x4f81e8f3 // sdot v19.4s, v7.16b, v1.4b[2]
	WORD $0x4f81e914 // sdot v20.4s, v8.16b, v1.4b[2]
	WORD $0x4f81e935 // sdot v21.4s, v9.16b, v1.4b[2]
	WORD $0x4f81e956 // sdot v22.4s, v10.16b, v1.4b[2]
	WORD $0x4f81e977 // sdot v23.4s, v11.16b, v1.4b[2]
	// quant group 7
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4fa1e890 // sdot v16.4s, v4.16b, v1.4b[3]
	WORD $0x4fa1e8b1 // sdot v17.4s, v5.16b, v1.4b[3]
	WORD $0x4fa1e8d2 // sdot v18.4s, v6.16b, v1.4b[3]
	WORD $0x4fa1e8f3 // sdot v19.4s, v7.16b, v1.4b[3]
	WORD $0x4fa1e914 // sdot v20.4s, v8.16b, v1.4b[3]
	WORD $0x4fa1e935 // sdot v21.4s, v9.16b, v1.4b[3]
	WORD $0x4fa1e956 // sdot v22.4s, v10.16b, v1.4b[3]
	WORD $0x4fa1e977 // sdot v23.4s, v11.16b, v1.4b[3]
	// acc += float32(isum) · (dw·dx): the 32 scales into V8-V15
	VLD1	(R2), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x0e2178cc // fcvtl v12.4s, v6.4h
	WORD $0x4e2178cd // fcvtl2 v13.4s, v6.8h
	WORD $0x0e2178ee // fcvtl v14.4s, v7.4h
	WORD $0x4e2178ef // fcvtl2 v15.4s, v7.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da10 // scvtf v16.4s, v16.4s
	WORD $0x6e28de10 // fmul v16.4s, v16.4s, v8.4s
	WORD $0x4e30d718 // fadd v24.4s, v24.4s, v16.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD $0x6e29de31 // fmul v17.4s, v17.4s, v9.4s
	WORD $0x4e31d739 // fadd v25.4s, v25.4s, v17.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD $0x6e2ade52 // fmul v18.4s, v18.4s, v10.4s
	WORD $0x4e32d75a // fadd v26.4s, v26.4s, v18.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD $0x6e2bde73 // fmul v19.4s, v19.4s, v11.4s
	WORD $0x4e33d77b // fadd v27.4s, v27.4s, v19.4s
	WORD $0x6e22dd8c // fmul v12.4s, v12.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e2cde94 // fmul v20.4s, v20.4s, v12.4s
	WORD $0x4e34d79c // fadd v28.4s, v28.4s, v20.4s
	WORD $0x6e22ddad // fmul v13.4s, v13.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e2ddeb5 // fmul v21.4s, v21.4s, v13.4s
	WORD $0x4e35d7bd // fadd v29.4s, v29.4s, v21.4s
	WORD $0x6e22ddce // fmul v14.4s, v14.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2eded6 // fmul v22.4s, v22.4s, v14.4s
	WORD $0x4e36d7de // fadd v30.4s, v30.4s, v22.4s
	WORD $0x6e22ddef // fmul v15.4s, v15.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2fdef7 // fmul v23.4s, v23.4s, v15.4s
	WORD $0x4e37d7ff // fadd v31.4s, v31.4s, v23.4s
	ADD	$1088, R2, R2
	SUBS	$1, R7, R7
	BNE	rowsQ8XSDOT_block

	VST1.P	[V24.S4, V25.S4, V26.S4, V27.S4], 64(R0)
	VST1.P	[V28.S4, V29.S4, V30.S4, V31.S4], 64(R0)
	SUBS	$32, R1, R1
	BNE	rowsQ8XSDOT_panel
	RET

// func rowsQ4XSDOT(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ4XSDOT(SB), NOSPLIT, $0-120
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	xq_base+48(FP), R3
	MOVD	xd_base+72(FP), R4
	MOVD	xd_len+80(FP), R5
	MOVD	xs_base+96(FP), R6
	VMOVI	$15, V3.B16

rowsQ4XSDOT_panel:
	MOVD	R3, R8
	MOVD	R4, R9
	MOVD	R6, R10
	MOVD	R5, R7
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

rowsQ4XSDOT_block:
	VLD1.P	32(R8), [V0.B16, V1.B16]
	VLD1R.P	4(R9), [V2.S4]
	// the sums start at -8·Σx, the nibbles' offset
	VLD1R.P	4(R10), [V12.S4]
	VSHL	$3, V12.S4, V12.S4
	VEOR	V13.B16, V13.B16, V13.B16
	VSUB	V12.S4, V13.S4, V16.S4
	VMOV	V16.B16, V17.B16
	VMOV	V16.B16, V18.B16
	VMOV	V16.B16, V19.B16
	VMOV	V16.B16, V20.B16
	VMOV	V16.B16, V21.B16
	VMOV	V16.B16, V22.B16
	VMOV	V16.B16, V23.B16
	ADD	$64, R2, R11
	// quant group 0
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	VAND	V3.B16, V4.B16, V12.B16
	VUSHR	$4, V4.B16, V13.B16
	WORD $0x4f80e190 // sdot v16.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b0 // sdot v16.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V5.B16, V12.B16
	VUSHR	$4, V5.B16, V13.B16
	WORD $0x4f80e191 // sdot v17.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b1 // sdot v17.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V6.B16, V12.B16
	VUSHR	$4, V6.B16, V13.B16
	WORD $0x4f80e192 // sdot v18.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b2 // sdot v18.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V7.B16, V12.B16
	VUSHR	$4, V7.B16, V13.B16
	WORD $0x4f80e193 // sdot v19.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b3 // sdot v19.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V8.B16, V12.B16
	VUSHR	$4, V8.B16, V13.B16
	WORD $0x4f80e194 // sdot v20.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b4 // sdot v20.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V9.B16, V12.B16
	VUSHR	$4, V9.B16, V13.B16
	WORD $0x4f80e195 // sdot v21.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b5 // sdot v21.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V10.B16, V12.B16
	VUSHR	$4, V10.B16, V13.B16
	WORD $0x4f80e196 // sdot v22.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b6 // sdot v22.4s, v13.16b, v1.4b[0]
	VAND	V3.B16, V11.B16, V12.B16
	VUSHR	$4, V11.B16, V13.B16
	WORD $0x4f80e197 // sdot v23.4s, v12.16b, v0.4b[0]
	WORD $0x4f81e1b7 // sdot v23.4s, v13.16b, v1.4b[0]
	// quant group 1
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	VAND	V3.B16, V4.B16, V12.B16
	VUSHR	$4, V4.B16, V13.B16
	WORD $0x4fa0e190 // sdot v16.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b0 // sdot v16.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V5.B16, V12.B16
	VUSHR	$4, V5.B16, V13.B16
	WORD $0x4fa0e191 // sdot v17.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b1 // sdot v17.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V6.B16, V12.B16
	VUSHR	$4, V6.B16, V13.B16
	WORD $0x4fa0e192 // sdot v18.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b2 // sdot v18.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V7.B16, V12.B16
	VUSHR	$4, V7.B16, V13.B16
	WORD $0x4fa0e193 // sdot v19.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b3 // sdot v19.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V8.B16, V12.B16
	VUSHR	$4, V8.B16, V13.B16
	WORD $0x4fa0e194 // sdot v20.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b4 // sdot v20.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V9.B16, V12.B16
	VUSHR	$4, V9.B16, V13.B16
	WORD $0x4fa0e195 // sdot v21.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b5 // sdot v21.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V10.B16, V12.B16
	VUSHR	$4, V10.B16, V13.B16
	WORD $0x4fa0e196 // sdot v22.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b6 // sdot v22.4s, v13.16b, v1.4b[1]
	VAND	V3.B16, V11.B16, V12.B16
	VUSHR	$4, V11.B16, V13.B16
	WORD $0x4fa0e197 // sdot v23.4s, v12.16b, v0.4b[1]
	WORD $0x4fa1e1b7 // sdot v23.4s, v13.16b, v1.4b[1]
	// quant group 2
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	VAND	V3.B16, V4.B16, V12.B16
	VUSHR	$4, V4.B16, V13.B16
	WORD $0x4f80e990 // sdot v16.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b0 // sdot v16.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V5.B16, V12.B16
	VUSHR	$4, V5.B16, V13.B16
	WORD $0x4f80e991 // sdot v17.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b1 // sdot v17.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V6.B16, V12.B16
	VUSHR	$4, V6.B16, V13.B16
	WORD $0x4f80e992 // sdot v18.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b2 // sdot v18.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V7.B16, V12.B16
	VUSHR	$4, V7.B16, V13.B16
	WORD $0x4f80e993 // sdot v19.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b3 // sdot v19.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V8.B16, V12.B16
	VUSHR	$4, V8.B16, V13.B16
	WORD $0x4f80e994 // sdot v20.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b4 // sdot v20.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V9.B16, V12.B16
	VUSHR	$4, V9.B16, V13.B16
	WORD $0x4f80e995 // sdot v21.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b5 // sdot v21.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V10.B16, V12.B16
	VUSHR	$4, V10.B16, V13.B16
	WORD $0x4f80e996 // sdot v22.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b6 // sdot v22.4s, v13.16b, v1.4b[2]
	VAND	V3.B16, V11.B16, V12.B16
	VUSHR	$4, V11.B16, V13.B16
	WORD $0x4f80e997 // sdot v23.4s, v12.16b, v0.4b[2]
	WORD $0x4f81e9b7 // sdot v23.4s, v13.16b, v1.4b[2]
	// quant group 3
	VLD1.P	64(R11), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P	64(R11), [V8.B16, V9.B16, V10.B16, V11.B16]
	VAND	V3.B16, V4.B16, V12.B16
	VUSHR	$4, V4.B16, V13.B16
	WORD $0x4fa0e990 // sdot v16.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b0 // sdot v16.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V5.B16, V12.B16
	VUSHR	$4, V5.B16, V13.B16
	WORD $0x4fa0e991 // sdot v17.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b1 // sdot v17.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V6.B16, V12.B16
	VUSHR	$4, V6.B16, V13.B16
	WORD $0x4fa0e992 // sdot v18.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b2 // sdot v18.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V7.B16, V12.B16
	VUSHR	$4, V7.B16, V13.B16
	WORD $0x4fa0e993 // sdot v19.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b3 // sdot v19.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V8.B16, V12.B16
	VUSHR	$4, V8.B16, V13.B16
	WORD $0x4fa0e994 // sdot v20.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b4 // sdot v20.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V9.B16, V12.B16
	VUSHR	$4, V9.B16, V13.B16
	WORD $0x4fa0e995 // sdot v21.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b5 // sdot v21.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V10.B16, V12.B16
	VUSHR	$4, V10.B16, V13.B16
	WORD $0x4fa0e996 // sdot v22.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b6 // sdot v22.4s, v13.16b, v1.4b[3]
	VAND	V3.B16, V11.B16, V12.B16
	VUSHR	$4, V11.B16, V13.B16
	WORD $0x4fa0e997 // sdot v23.4s, v12.16b, v0.4b[3]
	WORD $0x4fa1e9b7 // sdot v23.4s, v13.16b, v1.4b[3]
	// acc += float32(isum) · (dw·dx): the 32 scales into V8-V15
	VLD1	(R2), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x0e2178cc // fcvtl v12.4s, v6.4h
	WORD $0x4e2178cd // fcvtl2 v13.4s, v6.8h
	WORD $0x0e2178ee // fcvtl v14.4s, v7.4h
	WORD $0x4e2178ef // fcvtl2 v15.4s, v7.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da10 // scvtf v16.4s, v16.4s
	WORD $0x6e28de10 // fmul v16.4s, v16.4s, v8.4s
	WORD $0x4e30d718 // fadd v24.4s, v24.4s, v16.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD $0x6e29de31 // fmul v17.4s, v17.4s, v9.4s
	WORD $0x4e31d739 // fadd v25.4s, v25.4s, v17.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD $0x6e2ade52 // fmul v18.4s, v18.4s, v10.4s
	WORD $0x4e32d75a // fadd v26.4s, v26.4s, v18.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD $0x6e2bde73 // fmul v19.4s, v19.4s, v11.4s
	WORD $0x4e33d77b // fadd v27.4s, v27.4s, v19.4s
	WORD $0x6e22dd8c // fmul v12.4s, v12.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e2cde94 // fmul v20.4s, v20.4s, v12.4s
	WORD $0x4e34d79c // fadd v28.4s, v28.4s, v20.4s
	WORD $0x6e22ddad // fmul v13.4s, v13.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e2ddeb5 // fmul v21.4s, v21.4s, v13.4s
	WORD $0x4e35d7bd // fadd v29.4s, v29.4s, v21.4s
	WORD $0x6e22ddce // fmul v14.4s, v14.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2eded6 // fmul v22.4s, v22.4s, v14.4s
	WORD $0x4e36d7de // fadd v30.4s, v30.4s, v22.4s
	WORD $0x6e22ddef // fmul v15.4s, v15.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2fdef7 // fmul v23.4s, v23.4s, v15.4s
	WORD $0x4e37d7ff // fadd v31.4s, v31.4s, v23.4s
	ADD	$576, R2, R2
	SUBS	$1, R7, R7
	BNE	rowsQ4XSDOT_block

	VST1.P	[V24.S4, V25.S4, V26.S4, V27.S4], 64(R0)
	VST1.P	[V28.S4, V29.S4, V30.S4, V31.S4], 64(R0)
	SUBS	$32, R1, R1
	BNE	rowsQ4XSDOT_panel
	RET

// The neon tier's panel kernels: no SDOT, so per four-row register SMULL /
// SMULL2 multiply rows 0-1 and 2-3 by the group's four activations
// (duplicated into every lane) into int16 (|w·x| <= 16384), SADALP adds
// pairs into two int32 lanes per row, and one ADDP per register finishes
// each row's sum. Half a panel (16 rows) at a time, for registers:
//   V4-V7    one quant group of the half: four rows per register
//   V8, V9   the group's activations, duplicated (Q4_0: low / high)
//   V10, V11 products;  V20, V21 Q4_0: the nibbles of one register
//   V12-V19  int32 pair sums: V12+2q rows 0-1 of register q, V13+2q rows 2-3
//   V20-V23  the half's four isum vectors;  V24-V31 float32 accumulators
//   R12      the group's address

// func rowsQ8XNEON(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ8XNEON(SB), NOSPLIT, $0-120
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	xq_base+48(FP), R3
	MOVD	xd_base+72(FP), R4
	MOVD	xd_len+80(FP), R5
	MOVD	xs_base+96(FP), R6

rowsQ8XNEON_panel:
	MOVD	R3, R8
	MOVD	R4, R9
	MOVD	R6, R10
	MOVD	R5, R7
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

rowsQ8XNEON_block:
	VLD1.P	32(R8), [V0.B16, V1.B16]
	VLD1R.P	4(R9), [V2.S4]
	// rows 0-15
	VEOR	V12.B16, V12.B16, V12.B16
	VEOR	V13.B16, V13.B16, V13.B16
	VEOR	V14.B16, V14.B16, V14.B16
	VEOR	V15.B16, V15.B16, V15.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	ADD	$64, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[0], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$192, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[1], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$320, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[2], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$448, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[3], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$576, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[0], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$704, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[1], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$832, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[2], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$960, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[3], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	VADDP	V13.S4, V12.S4, V20.S4
	VADDP	V15.S4, V14.S4, V21.S4
	VADDP	V17.S4, V16.S4, V22.S4
	VADDP	V19.S4, V18.S4, V23.S4
	ADD	$0, R2, R12
	VLD1	(R12), [V4.B16, V5.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e28de94 // fmul v20.4s, v20.4s, v8.4s
	WORD $0x4e34d718 // fadd v24.4s, v24.4s, v20.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e29deb5 // fmul v21.4s, v21.4s, v9.4s
	WORD $0x4e35d739 // fadd v25.4s, v25.4s, v21.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2aded6 // fmul v22.4s, v22.4s, v10.4s
	WORD $0x4e36d75a // fadd v26.4s, v26.4s, v22.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2bdef7 // fmul v23.4s, v23.4s, v11.4s
	WORD $0x4e37d77b // fadd v27.4s, v27.4s, v23.4s
	// rows 16-31
	VEOR	V12.B16, V12.B16, V12.B16
	VEOR	V13.B16, V13.B16, V13.B16
	VEOR	V14.B16, V14.B16, V14.B16
	VEOR	V15.B16, V15.B16, V15.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	ADD	$128, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[0], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$256, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[1], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$384, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[2], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$512, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[3], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$640, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[0], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$768, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[1], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$896, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[2], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$1024, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V1.S[3], V8.S4
	WORD $0x0e28c08a // smull v10.8h, v4.8b, v8.8b
	WORD $0x4e28c08b // smull2 v11.8h, v4.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e28c0aa // smull v10.8h, v5.8b, v8.8b
	WORD $0x4e28c0ab // smull2 v11.8h, v5.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e28c0ca // smull v10.8h, v6.8b, v8.8b
	WORD $0x4e28c0cb // smull2 v11.8h, v6.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e28c0ea // smull v10.8h, v7.8b, v8.8b
	WORD $0x4e28c0eb // smull2 v11.8h, v7.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	VADDP	V13.S4, V12.S4, V20.S4
	VADDP	V15.S4, V14.S4, V21.S4
	VADDP	V17.S4, V16.S4, V22.S4
	VADDP	V19.S4, V18.S4, V23.S4
	ADD	$32, R2, R12
	VLD1	(R12), [V4.B16, V5.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e28de94 // fmul v20.4s, v20.4s, v8.4s
	WORD $0x4e34d79c // fadd v28.4s, v28.4s, v20.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e29deb5 // fmul v21.4s, v21.4s, v9.4s
	WORD $0x4e35d7bd // fadd v29.4s, v29.4s, v21.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2aded6 // fmul v22.4s, v22.4s, v10.4s
	WORD $0x4e36d7de // fadd v30.4s, v30.4s, v22.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2bdef7 // fmul v23.4s, v23.4s, v11.4s
	WORD $0x4e37d7ff // fadd v31.4s, v31.4s, v23.4s
	ADD	$1088, R2, R2
	SUBS	$1, R7, R7
	BNE	rowsQ8XNEON_block

	VST1.P	[V24.S4, V25.S4, V26.S4, V27.S4], 64(R0)
	VST1.P	[V28.S4, V29.S4, V30.S4, V31.S4], 64(R0)
	SUBS	$32, R1, R1
	BNE	rowsQ8XNEON_panel
	RET

// func rowsQ4XNEON(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
TEXT ·rowsQ4XNEON(SB), NOSPLIT, $0-120
	MOVD	y_base+0(FP), R0
	MOVD	y_len+8(FP), R1
	MOVD	w_base+24(FP), R2
	MOVD	xq_base+48(FP), R3
	MOVD	xd_base+72(FP), R4
	MOVD	xd_len+80(FP), R5
	MOVD	xs_base+96(FP), R6
	VMOVI	$15, V3.B16

rowsQ4XNEON_panel:
	MOVD	R3, R8
	MOVD	R4, R9
	MOVD	R6, R10
	MOVD	R5, R7
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

rowsQ4XNEON_block:
	VLD1.P	32(R8), [V0.B16, V1.B16]
	VLD1R.P	4(R9), [V2.S4]
	// rows 0-15
	VEOR	V12.B16, V12.B16, V12.B16
	VEOR	V13.B16, V13.B16, V13.B16
	VEOR	V14.B16, V14.B16, V14.B16
	VEOR	V15.B16, V15.B16, V15.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	ADD	$64, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[0], V8.S4
	VDUP	V1.S[0], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$192, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[1], V8.S4
	VDUP	V1.S[1], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$320, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[2], V8.S4
	VDUP	V1.S[2], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$448, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[3], V8.S4
	VDUP	V1.S[3], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	VADDP	V13.S4, V12.S4, V20.S4
	VADDP	V15.S4, V14.S4, V21.S4
	VADDP	V17.S4, V16.S4, V22.S4
	VADDP	V19.S4, V18.S4, V23.S4
	VLD1R	(R10), [V8.S4]
	VSHL	$3, V8.S4, V8.S4
	VSUB	V8.S4, V20.S4, V20.S4
	VSUB	V8.S4, V21.S4, V21.S4
	VSUB	V8.S4, V22.S4, V22.S4
	VSUB	V8.S4, V23.S4, V23.S4
	ADD	$0, R2, R12
	VLD1	(R12), [V4.B16, V5.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e28de94 // fmul v20.4s, v20.4s, v8.4s
	WORD $0x4e34d718 // fadd v24.4s, v24.4s, v20.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e29deb5 // fmul v21.4s, v21.4s, v9.4s
	WORD $0x4e35d739 // fadd v25.4s, v25.4s, v21.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2aded6 // fmul v22.4s, v22.4s, v10.4s
	WORD $0x4e36d75a // fadd v26.4s, v26.4s, v22.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2bdef7 // fmul v23.4s, v23.4s, v11.4s
	WORD $0x4e37d77b // fadd v27.4s, v27.4s, v23.4s
	// rows 16-31
	VEOR	V12.B16, V12.B16, V12.B16
	VEOR	V13.B16, V13.B16, V13.B16
	VEOR	V14.B16, V14.B16, V14.B16
	VEOR	V15.B16, V15.B16, V15.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	ADD	$128, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[0], V8.S4
	VDUP	V1.S[0], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$256, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[1], V8.S4
	VDUP	V1.S[1], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$384, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[2], V8.S4
	VDUP	V1.S[2], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	ADD	$512, R2, R12
	VLD1	(R12), [V4.B16, V5.B16, V6.B16, V7.B16]
	VDUP	V0.S[3], V8.S4
	VDUP	V1.S[3], V9.S4
	VAND	V3.B16, V4.B16, V20.B16
	VUSHR	$4, V4.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694c // sadalp v12.4s, v10.8h
	WORD $0x4e60696d // sadalp v13.4s, v11.8h
	VAND	V3.B16, V5.B16, V20.B16
	VUSHR	$4, V5.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e60694e // sadalp v14.4s, v10.8h
	WORD $0x4e60696f // sadalp v15.4s, v11.8h
	VAND	V3.B16, V6.B16, V20.B16
	VUSHR	$4, V6.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606950 // sadalp v16.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	VAND	V3.B16, V7.B16, V20.B16
	VUSHR	$4, V7.B16, V21.B16
	WORD $0x0e28c28a // smull v10.8h, v20.8b, v8.8b
	WORD $0x4e28c28b // smull2 v11.8h, v20.16b, v8.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	WORD $0x0e29c2aa // smull v10.8h, v21.8b, v9.8b
	WORD $0x4e29c2ab // smull2 v11.8h, v21.16b, v9.16b
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	VADDP	V13.S4, V12.S4, V20.S4
	VADDP	V15.S4, V14.S4, V21.S4
	VADDP	V17.S4, V16.S4, V22.S4
	VADDP	V19.S4, V18.S4, V23.S4
	VLD1R	(R10), [V8.S4]
	VSHL	$3, V8.S4, V8.S4
	VSUB	V8.S4, V20.S4, V20.S4
	VSUB	V8.S4, V21.S4, V21.S4
	VSUB	V8.S4, V22.S4, V22.S4
	VSUB	V8.S4, V23.S4, V23.S4
	ADD	$32, R2, R12
	VLD1	(R12), [V4.B16, V5.B16]
	WORD $0x0e217888 // fcvtl v8.4s, v4.4h
	WORD $0x4e217889 // fcvtl2 v9.4s, v4.8h
	WORD $0x0e2178aa // fcvtl v10.4s, v5.4h
	WORD $0x4e2178ab // fcvtl2 v11.4s, v5.8h
	WORD $0x6e22dd08 // fmul v8.4s, v8.4s, v2.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x6e28de94 // fmul v20.4s, v20.4s, v8.4s
	WORD $0x4e34d79c // fadd v28.4s, v28.4s, v20.4s
	WORD $0x6e22dd29 // fmul v9.4s, v9.4s, v2.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x6e29deb5 // fmul v21.4s, v21.4s, v9.4s
	WORD $0x4e35d7bd // fadd v29.4s, v29.4s, v21.4s
	WORD $0x6e22dd4a // fmul v10.4s, v10.4s, v2.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x6e2aded6 // fmul v22.4s, v22.4s, v10.4s
	WORD $0x4e36d7de // fadd v30.4s, v30.4s, v22.4s
	WORD $0x6e22dd6b // fmul v11.4s, v11.4s, v2.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x6e2bdef7 // fmul v23.4s, v23.4s, v11.4s
	WORD $0x4e37d7ff // fadd v31.4s, v31.4s, v23.4s
	ADD	$4, R10, R10
	ADD	$576, R2, R2
	SUBS	$1, R7, R7
	BNE	rowsQ4XNEON_block

	VST1.P	[V24.S4, V25.S4, V26.S4, V27.S4], 64(R0)
	VST1.P	[V28.S4, V29.S4, V30.S4, V31.S4], 64(R0)
	SUBS	$32, R1, R1
	BNE	rowsQ4XNEON_panel
	RET
