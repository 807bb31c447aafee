//go:build !purego

#include "textflag.h"

// The float tile kernel for arm64, written by hand: 16 packed weight rows
// (four vectors, lanes = rows) × 6 packed tokens, 24 accumulators, one FMLA
// by element per (vector, token) and k step. WORDs carry their disassembly
// (testdata/wordcheck_arm64.sh). k >= 0; the Go side checks bounds.
//
// Register map:
//   R0  y          R1  ystride in bytes   R2  pw cursor   R3  px cursor
//   R4  k left     R5  y of token t
//   V0-V23   accumulators: rows 4j..4j+3 of token t in V(4t+j)
//   V24-V27  pw[i*16 : i*16+16]
//   V28, V29 px[i*6 : i*6+6] (tokens 0-3, 4-5)

// func gemmF16x6NEON(y []float32, ystride int, pw []float32, px []float32, k int)
TEXT ·gemmF16x6NEON(SB), NOSPLIT, $0-88
	MOVD	y_base+0(FP), R0
	MOVD	ystride+24(FP), R1
	LSL	$2, R1, R1
	MOVD	pw_base+32(FP), R2
	MOVD	px_base+56(FP), R3
	MOVD	k+80(FP), R4
	VEOR	V0.B16, V0.B16, V0.B16
	VEOR	V1.B16, V1.B16, V1.B16
	VEOR	V2.B16, V2.B16, V2.B16
	VEOR	V3.B16, V3.B16, V3.B16
	VEOR	V4.B16, V4.B16, V4.B16
	VEOR	V5.B16, V5.B16, V5.B16
	VEOR	V6.B16, V6.B16, V6.B16
	VEOR	V7.B16, V7.B16, V7.B16
	VEOR	V8.B16, V8.B16, V8.B16
	VEOR	V9.B16, V9.B16, V9.B16
	VEOR	V10.B16, V10.B16, V10.B16
	VEOR	V11.B16, V11.B16, V11.B16
	VEOR	V12.B16, V12.B16, V12.B16
	VEOR	V13.B16, V13.B16, V13.B16
	VEOR	V14.B16, V14.B16, V14.B16
	VEOR	V15.B16, V15.B16, V15.B16
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CBZ	R4, store

	// main loop: one k step
loop:
	VLD1.P	64(R2), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1.P	16(R3), [V28.S4]
	VLD1.P	8(R3), [V29.S2]
	WORD $0x4f9c1300 // fmla v0.4s, v24.4s, v28.s[0]
	WORD $0x4f9c1321 // fmla v1.4s, v25.4s, v28.s[0]
	WORD $0x4f9c1342 // fmla v2.4s, v26.4s, v28.s[0]
	WORD $0x4f9c1363 // fmla v3.4s, v27.4s, v28.s[0]
	WORD $0x4fbc1304 // fmla v4.4s, v24.4s, v28.s[1]
	WORD $0x4fbc1325 // fmla v5.4s, v25.4s, v28.s[1]
	WORD $0x4fbc1346 // fmla v6.4s, v26.4s, v28.s[1]
	WORD $0x4fbc1367 // fmla v7.4s, v27.4s, v28.s[1]
	WORD $0x4f9c1b08 // fmla v8.4s, v24.4s, v28.s[2]
	WORD $0x4f9c1b29 // fmla v9.4s, v25.4s, v28.s[2]
	WORD $0x4f9c1b4a // fmla v10.4s, v26.4s, v28.s[2]
	WORD $0x4f9c1b6b // fmla v11.4s, v27.4s, v28.s[2]
	WORD $0x4fbc1b0c // fmla v12.4s, v24.4s, v28.s[3]
	WORD $0x4fbc1b2d // fmla v13.4s, v25.4s, v28.s[3]
	WORD $0x4fbc1b4e // fmla v14.4s, v26.4s, v28.s[3]
	WORD $0x4fbc1b6f // fmla v15.4s, v27.4s, v28.s[3]
	WORD $0x4f9d1310 // fmla v16.4s, v24.4s, v29.s[0]
	WORD $0x4f9d1331 // fmla v17.4s, v25.4s, v29.s[0]
	WORD $0x4f9d1352 // fmla v18.4s, v26.4s, v29.s[0]
	WORD $0x4f9d1373 // fmla v19.4s, v27.4s, v29.s[0]
	WORD $0x4fbd1314 // fmla v20.4s, v24.4s, v29.s[1]
	WORD $0x4fbd1335 // fmla v21.4s, v25.4s, v29.s[1]
	WORD $0x4fbd1356 // fmla v22.4s, v26.4s, v29.s[1]
	WORD $0x4fbd1377 // fmla v23.4s, v27.4s, v29.s[1]
	SUBS	$1, R4, R4
	BNE	loop

store:
	MOVD	R0, R5
	VST1	[V0.S4, V1.S4, V2.S4, V3.S4], (R5)
	ADD	R1, R5, R5
	VST1	[V4.S4, V5.S4, V6.S4, V7.S4], (R5)
	ADD	R1, R5, R5
	VST1	[V8.S4, V9.S4, V10.S4, V11.S4], (R5)
	ADD	R1, R5, R5
	VST1	[V12.S4, V13.S4, V14.S4, V15.S4], (R5)
	ADD	R1, R5, R5
	VST1	[V16.S4, V17.S4, V18.S4, V19.S4], (R5)
	ADD	R1, R5, R5
	VST1	[V20.S4, V21.S4, V22.S4, V23.S4], (R5)
	RET

