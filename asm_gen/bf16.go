package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Conversions to bfloat16 for the AMX tile unit, rounding to nearest even
// with integer arithmetic (VCVTNE2PS2BF16 is missing from Go's assembler):
// bits + 0x7fff + (bit 16 of bits), then the high 16 bits. Specs:
// toBF16Generic and pairsBF16Generic in ../kernels/gemmb_amx.go.
func bf16Kernels() {
	toBF16()
	pairsBF16()
}

// softmaxPairs is colSoftmax32AVX512 then pairsBF16AVX512 in one pass (and
// bit-exact with them), for the bfloat16 attention (kernels/attn_bf16.go):
// over ksteps·32 rows of 32 scores, per column m = the max; the exps exp(s
// - m) are summed per column in row order and written only as B's
// bfloat16 pairs, never back to s. Rows of -Inf (padding) give 0. A
// cheaper exp (degree 4, no VRNDSCALEPS / VSCALEFPS) was no faster here.
//
//	func softmaxPairsAVX512(dst []uint16, s []float32, ksteps int, sum []float32)
func softmaxPairs() {
	name := "softmaxPairsAVX512"
	TEXT(name, NOSPLIT, "func(dst []uint16, s []float32, ksteps int, sum []float32)")
	Pragma("noescape")
	Doc(name + " applies a column softmax to 32-column scores and packs the exps as bfloat16 pairs (see attn_bf16.go).")
	sp := Load(Param("s").Base(), GP64())
	ks := Load(Param("ksteps"), GP64())
	Comment("max over the rows, two rows a step (four chains)")
	p, n := GP64(), GP64()
	MOVQ(sp, p)
	MOVQ(ks, n)
	SHLQ(U8(4), n) // row pairs
	var m [2][2]VecVirtual
	for r := range m {
		for h := range m[r] {
			m[r][h] = ZMM()
			VMOVUPS(Mem{Base: p}.Offset(128*r+64*h), m[r][h])
		}
	}
	Label(name + "_max")
	for r := range m {
		for h := range m[r] {
			VMAXPS(Mem{Base: p}.Offset(128*r+64*h), m[r][h], m[r][h])
		}
	}
	ADDQ(U32(256), p)
	DECQ(n)
	JNZ(LabelRef(name + "_max"))
	for h := 0; h < 2; h++ {
		VMAXPS(m[1][h], m[0][h], m[0][h])
	}
	Comment("exps, summed per column in row order, as bfloat16 pairs")
	dp := Load(Param("dst").Base(), GP64())
	pc := newPairConsts()
	sum := [2]VecVirtual{ZMM(), ZMM()}
	for h := range sum {
		VXORPS(sum[h], sum[h], sum[h])
	}
	Label(name + "_step")
	pr := GP64()
	XORQ(pr, pr)
	Label(name + "_pair")
	// the pair's two rows, both halves: four exps side by side (expVecs)
	var x [2][2]VecVirtual // [h][row]
	for h := range x {
		for r := range x[h] {
			x[h][r] = ZMM()
			VMOVUPS(Mem{Base: sp}.Offset(128*r+64*h), x[h][r])
			VSUBPS(m[0][h], x[h][r], x[h][r])
		}
	}
	expVecs([]VecVirtual{x[0][0], x[1][0], x[0][1], x[1][1]})
	for h := range x {
		VADDPS(x[h][0], sum[h], sum[h])
		VADDPS(x[h][1], sum[h], sum[h])
		pc.store(x[h][0], x[h][1], Mem{Base: dp, Index: pr, Scale: 1}.Offset(1024*h))
	}
	ADDQ(U32(256), sp)
	ADDQ(U32(64), pr)
	CMPQ(pr, U32(1024))
	JNE(LabelRef(name + "_pair"))
	ADDQ(U32(2048), dp)
	DECQ(ks)
	JNZ(LabelRef(name + "_step"))
	sump := Load(Param("sum").Base(), GP64())
	for h := range sum {
		VMOVUPS(sum[h], Mem{Base: sump}.Offset(64*h))
	}
	VZEROUPPER()
	RET()
}

// roundBF16 leaves in v the float32 bits of v rounded to bfloat16 in the
// high half (the low half is garbage); one and bias hold 1 and 0x7fff.
func roundBF16(v, one, bias VecVirtual) {
	t := ZMM()
	VPSRLD(U8(16), v, t)
	VPANDD(one, t, t)
	VPADDD(bias, t, t)
	VPADDD(t, v, v)
}

// pairConsts hold what storing bfloat16 pairs needs (pairsBF16,
// softmaxPairs).
type pairConsts struct{ one, bias, hiMask VecVirtual }

func newPairConsts() pairConsts {
	var c pairConsts
	c.one, c.bias = bf16Consts()
	g := GP32()
	c.hiMask = ZMM()
	MOVL(U32(0xffff0000), g)
	VPBROADCASTD(g, c.hiMask)
	return c
}

// store rounds lo and hi (16 floats each) to bfloat16 and stores them as
// 16 pairs (lo[j], hi[j]) at m; lo and hi are clobbered.
func (c pairConsts) store(lo, hi VecVirtual, m Mem) {
	roundBF16(lo, c.one, c.bias)
	roundBF16(hi, c.one, c.bias)
	VPSRLD(U8(16), lo, lo)
	VPTERNLOGD(U8(0xf8), c.hiMask, hi, lo) // lo | (hi & mask)
	VMOVDQU32(lo, m)
}

func bf16Consts() (one, bias VecVirtual) {
	g := GP32()
	one, bias = ZMM(), ZMM()
	MOVL(U32(1), g)
	VPBROADCASTD(g, one)
	MOVL(U32(0x7fff), g)
	VPBROADCASTD(g, bias)
	return one, bias
}

// toBF16: dst[i] = bf16(src[i]·scale) for i < len(src), a multiple of 16.
func toBF16() {
	name := "toBF16AVX512"
	TEXT(name, NOSPLIT, "func(dst []uint16, src []float32, scale float32)")
	Pragma("noescape")
	Doc(name + " rounds src·scale to bfloat16 (len(src) a multiple of 16).")
	dp := Load(Param("dst").Base(), GP64())
	sp := Load(Param("src").Base(), GP64())
	n := Load(Param("src").Len(), GP64())
	sx := Load(Param("scale"), XMM())
	sc := ZMM()
	VBROADCASTSS(sx, sc)
	one, bias := bf16Consts()
	SHRQ(U8(4), n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	v := ZMM()
	VMULPS(Mem{Base: sp}, sc, v)
	roundBF16(v, one, bias)
	VPSRLD(U8(16), v, v)
	h := YMM()
	VPMOVDW(v, h)
	VMOVDQU(h, Mem{Base: dp})
	ADDQ(U8(64), sp)
	ADDQ(U8(32), dp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// pairsBF16 packs rows of 32 floats as the B operand of gemmB32x32AMX:
// rows 2p and 2p+1 become row p%16 of k-step p/16, element j holding the
// pair (row 2p [j], row 2p+1 [j]); columns 0-15 in the first KiB of the
// k-step, 16-31 in the second. pairs is a multiple of 16.
func pairsBF16() {
	name := "pairsBF16AVX512"
	TEXT(name, NOSPLIT, "func(dst []uint16, src []float32, pairs int)")
	Pragma("noescape")
	Doc(name + " packs pairs of 32-float rows as bfloat16 pairs for gemmB32x32AMX (see gemmb_amx.go).")
	dp := Load(Param("dst").Base(), GP64())
	sp := Load(Param("src").Base(), GP64())
	n := Load(Param("pairs"), GP64())
	pc := newPairConsts()
	SHRQ(U8(4), n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_step")
	for p := 0; p < 16; p++ {
		for half := 0; half < 2; half++ {
			lo, hi := ZMM(), ZMM()
			VMOVUPS(Mem{Base: sp}.Offset(256*p+64*half), lo)
			VMOVUPS(Mem{Base: sp}.Offset(256*p+128+64*half), hi)
			pc.store(lo, hi, Mem{Base: dp}.Offset(1024*half+64*p))
		}
	}
	ADDQ(U32(16*256), sp)
	ADDQ(U32(2048), dp)
	DECQ(n)
	JNZ(LabelRef(name + "_step"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// packB32 kernels pack 32 weight rows (rb bytes apart) of ksteps whole
// k-steps of 32 elements as gemmB32x32AMX's B operand: per k-step 2 KiB,
// rows 0-15 then 16-31, each element p of row r the bfloat16 pair of its
// elements 2p, 2p+1 — a scatter of each row's 16 pairs down one column.
// Spec: packRowsB in ../kernels/gemmb_amx.go (dequantRow, then bf16).
func packBKernels() {
	for _, typ := range []string{"F32", "F16", "BF16", "Q8", "Q4"} {
		packB32(typ)
	}
}

func packB32(typ string) {
	name := "packB32" + typ + "AVX512"
	TEXT(name, NOSPLIT, "func(dst []uint16, w []byte, rb int, ksteps int)")
	Pragma("noescape")
	Doc(name + " packs 32 rows of " + typ + " weights as bfloat16 pairs for gemmB32x32AMX (see gemmb_amx.go).")
	dp := Load(Param("dst").Base(), GP64())
	wp := Load(Param("w").Base(), GP64())
	rb := Load(Param("rb"), GP64())
	ks := Load(Param("ksteps"), GP64())
	one, bias := bf16Consts()
	idx := ZMM()
	VPSLLD(U8(6), iota32, idx) // element p goes 64 bytes down per pair
	step := map[string]int{"F32": 128, "F16": 64, "BF16": 64, "Q8": 34, "Q4": 18}[typ]
	lo4, e8 := ZMM(), ZMM()
	if typ == "Q4" {
		g := GP32()
		MOVL(U32(15), g)
		VPBROADCASTD(g, lo4)
		MOVL(U32(8), g)
		VPBROADCASTD(g, e8)
	}
	TESTQ(ks, ks)
	JZ(LabelRef(name + "_done"))
	// k-steps outside, rows inside: each step's 2 KiB of dst stays in L1
	// while its 32 rows scatter into it.
	Label(name + "_step")
	src, out, r := GP64(), GP64(), GP64()
	MOVQ(wp, src)
	MOVQ(dp, out)
	XORQ(r, r)
	Label(name + "_row")
	v0, v1 := ZMM(), ZMM()
	switch typ {
	case "F32":
		VMOVUPS(Mem{Base: src}, v0)
		VMOVUPS(Mem{Base: src}.Offset(64), v1)
	case "F16":
		VCVTPH2PS(Mem{Base: src}, v0)
		VCVTPH2PS(Mem{Base: src}.Offset(32), v1)
	case "BF16":
		VPMOVZXWD(Mem{Base: src}, v0)
		VPMOVZXWD(Mem{Base: src}.Offset(32), v1)
		VPSLLD(U8(16), v0, v0)
		VPSLLD(U8(16), v1, v1)
	case "Q8", "Q4":
		g := GP32()
		MOVWLZX(Mem{Base: src}, g)
		sx := XMM()
		VMOVD(g, sx)
		VCVTPH2PS(sx, sx)
		d := ZMM()
		VBROADCASTSS(sx, d)
		if typ == "Q8" {
			VPMOVSXBD(Mem{Base: src}.Offset(2), v0)
			VPMOVSXBD(Mem{Base: src}.Offset(18), v1)
		} else {
			VPMOVZXBD(Mem{Base: src}.Offset(2), v0)
			VPSRLD(U8(4), v0, v1)
			VPANDD(lo4, v0, v0)
			VPSUBD(e8, v0, v0)
			VPSUBD(e8, v1, v1)
		}
		VCVTDQ2PS(v0, v0)
		VCVTDQ2PS(v1, v1)
		VMULPS(d, v0, v0)
		VMULPS(d, v1, v1)
	}
	roundBF16(v0, one, bias)
	roundBF16(v1, one, bias)
	VPSRLD(U8(16), v0, v0)
	VPSRLD(U8(16), v1, v1)
	h0, h1 := YMM(), YMM()
	VPMOVDW(v0, h0)
	VPMOVDW(v1, h1)
	z := ZMM()
	VINSERTI64X4(U8(1), h1, h0.AsZ(), z)
	k := K()
	KXNORW(k, k, k)
	VPSCATTERDD(z, k, Mem{Base: out, Index: idx, Scale: 1})
	// next row: rb further in w; in dst 4 bytes on, 1 KiB - 60 after row 15
	ADDQ(rb, src)
	ADDQ(U8(4), out)
	INCQ(r)
	CMPQ(r, U8(16))
	JNE(LabelRef(name + "_same"))
	ADDQ(U32(1024-64), out)
	Label(name + "_same")
	CMPQ(r, U8(32))
	JNE(LabelRef(name + "_row"))
	ADDQ(U8(step), wp)
	ADDQ(U32(2048), dp)
	DECQ(ks)
	JNZ(LabelRef(name + "_step"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
