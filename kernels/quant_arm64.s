//go:build !purego

#include "textflag.h"

// The Q8_0 activation quantizer for arm64, written by hand; WORDs carry
// their disassembly (testdata/wordcheck_arm64.sh). Per block of 32, as
// quantizeQ8: d = amax/127 and id = 1/d in float32 (0 where 1/d is
// infinite: d = 0 or d < 2^-128), q =
// round-half-even(x·id) converted like Go's int8(float64) conversion on
// arm64 (saturate to int32, keep the low byte: FCVTNS then XTN), d rounded
// to fp16 and back (FCVT), and Σq. Bit-exact with quantizeQ8 for finite x.
// len(d) >= 1 blocks; quantQ8Arm checks the bounds.
//
// Register map:
//   R0  qs cursor   R1  d cursor   R2  sum cursor   R3  x cursor
//   R4  blocks left R9  scratch
//   V0-V7    the block's 32 floats, then q (int32, int16, int8)
//   V16-V23  |x|, reduced to amax in S16
//   F17 d     F18 1/d or 0   F19 d via fp16
//   F28 +Inf  F29 1.0   F30 127.0   F31 0

// func quantQ8NEON(qs []int8, d []float32, sum []int32, x []float32)
TEXT ·quantQ8NEON(SB), NOSPLIT, $0-96
	MOVD	qs_base+0(FP), R0
	MOVD	d_base+24(FP), R1
	MOVD	d_len+32(FP), R4
	MOVD	sum_base+48(FP), R2
	MOVD	x_base+72(FP), R3
	MOVW	$0x42fe0000, R9 // 127.0
	FMOVS	R9, F30
	FMOVS	$(1.0), F29
	MOVW	$0x7f800000, R9 // +Inf
	FMOVS	R9, F28
	VEOR	V31.B16, V31.B16, V31.B16

	// main loop: one block
loop:
	VLD1.P	64(R3), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P	64(R3), [V4.S4, V5.S4, V6.S4, V7.S4]
	// amax
	WORD $0x4ea0f810 // fabs v16.4s, v0.4s
	WORD $0x4ea0f831 // fabs v17.4s, v1.4s
	WORD $0x4ea0f852 // fabs v18.4s, v2.4s
	WORD $0x4ea0f873 // fabs v19.4s, v3.4s
	WORD $0x4ea0f894 // fabs v20.4s, v4.4s
	WORD $0x4ea0f8b5 // fabs v21.4s, v5.4s
	WORD $0x4ea0f8d6 // fabs v22.4s, v6.4s
	WORD $0x4ea0f8f7 // fabs v23.4s, v7.4s
	WORD $0x4e31f610 // fmax v16.4s, v16.4s, v17.4s
	WORD $0x4e33f652 // fmax v18.4s, v18.4s, v19.4s
	WORD $0x4e35f694 // fmax v20.4s, v20.4s, v21.4s
	WORD $0x4e37f6d6 // fmax v22.4s, v22.4s, v23.4s
	WORD $0x4e32f610 // fmax v16.4s, v16.4s, v18.4s
	WORD $0x4e36f694 // fmax v20.4s, v20.4s, v22.4s
	WORD $0x4e34f610 // fmax v16.4s, v16.4s, v20.4s
	WORD $0x6e30fa10 // fmaxv s16, v16.4s
	// d = amax/127, id = 1/d (0 when that is +Inf)
	WORD $0x1e3e1a11 // fdiv s17, s16, s30
	WORD $0x1e311bb2 // fdiv s18, s29, s17
	WORD $0x1e3c2240 // fcmp s18, s28
	WORD $0x1e320ff2 // fcsel s18, s31, s18, eq
	// q = round-half-even(x·id), narrowed by truncation
	WORD $0x4f929000 // fmul v0.4s, v0.4s, v18.s[0]
	WORD $0x4f929021 // fmul v1.4s, v1.4s, v18.s[0]
	WORD $0x4f929042 // fmul v2.4s, v2.4s, v18.s[0]
	WORD $0x4f929063 // fmul v3.4s, v3.4s, v18.s[0]
	WORD $0x4f929084 // fmul v4.4s, v4.4s, v18.s[0]
	WORD $0x4f9290a5 // fmul v5.4s, v5.4s, v18.s[0]
	WORD $0x4f9290c6 // fmul v6.4s, v6.4s, v18.s[0]
	WORD $0x4f9290e7 // fmul v7.4s, v7.4s, v18.s[0]
	WORD $0x4e21a800 // fcvtns v0.4s, v0.4s
	WORD $0x4e21a821 // fcvtns v1.4s, v1.4s
	WORD $0x4e21a842 // fcvtns v2.4s, v2.4s
	WORD $0x4e21a863 // fcvtns v3.4s, v3.4s
	WORD $0x4e21a884 // fcvtns v4.4s, v4.4s
	WORD $0x4e21a8a5 // fcvtns v5.4s, v5.4s
	WORD $0x4e21a8c6 // fcvtns v6.4s, v6.4s
	WORD $0x4e21a8e7 // fcvtns v7.4s, v7.4s
	WORD $0x0e612800 // xtn v0.4h, v0.4s
	WORD $0x4e612820 // xtn2 v0.8h, v1.4s
	WORD $0x0e612842 // xtn v2.4h, v2.4s
	WORD $0x4e612862 // xtn2 v2.8h, v3.4s
	WORD $0x0e612884 // xtn v4.4h, v4.4s
	WORD $0x4e6128a4 // xtn2 v4.8h, v5.4s
	WORD $0x0e6128c6 // xtn v6.4h, v6.4s
	WORD $0x4e6128e6 // xtn2 v6.8h, v7.4s
	WORD $0x0e212800 // xtn v0.8b, v0.8h
	WORD $0x4e212840 // xtn2 v0.16b, v2.8h
	WORD $0x0e212881 // xtn v1.8b, v4.8h
	WORD $0x4e2128c1 // xtn2 v1.16b, v6.8h
	VST1.P	[V0.B16, V1.B16], 32(R0)
	// Σq
	WORD $0x4e202802 // saddlp v2.8h, v0.16b
	WORD $0x4e206822 // sadalp v2.8h, v1.16b
	WORD $0x4e703842 // saddlv s2, v2.8h
	FMOVS.P	F2, 4(R2)
	// d through fp16
	WORD $0x1e23c233 // fcvt h19, s17
	WORD $0x1ee24273 // fcvt s19, h19
	FMOVS.P	F19, 4(R1)
	SUBS	$1, R4, R4
	BNE	loop
	RET
