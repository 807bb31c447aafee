package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// quantQ8AVX512: the Q8_0 activation quantizer, bit-exact twin of
// quantizeQ8 (for finite inputs):
//
//	func quantQ8AVX512(qs []int8, d []float32, sum []int32, x []float32)
//
// for len(d) blocks of 32: amax, db = amax/127, id = 1/db if finite else 0,
// q = round-half-even(x*id) (VCVTPS2DQ under Go's default MXCSR), d =
// float32(fp16(db)) with VCVTPS2PH round-to-nearest-even, sum = Σq.
func quantKernels() {
	name := "quantQ8AVX512"
	TEXT(name, NOSPLIT, "func(qs []int8, d []float32, sum []int32, x []float32)")
	Pragma("noescape")
	Doc(name + " quantizes len(d) blocks of 32 activations to Q8_0 (see quant.go).")
	qp := Load(Param("qs").Base(), GP64())
	dp := Load(Param("d").Base(), GP64())
	sp := Load(Param("sum").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	nb := Load(Param("d").Len(), GP64())
	g := GP32()
	absm := ZMM()
	MOVL(U32(0x7fffffff), g)
	VPBROADCASTD(g, absm)
	c127, one, inf := XMM(), XMM(), XMM()
	MOVL(U32(0x42fe0000), g) // 127.0
	VMOVD(g, c127)
	MOVL(U32(0x3f800000), g) // 1.0
	VMOVD(g, one)
	MOVL(U32(0x7f800000), g) // +Inf
	VMOVD(g, inf)
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_done"))

	Label(name + "_block")
	x0, x1 := ZMM(), ZMM()
	VMOVUPS(Mem{Base: xp}, x0)
	VMOVUPS(Mem{Base: xp}.Offset(64), x1)
	m := ZMM()
	VANDPS(absm, x0, m)
	a1 := ZMM()
	VANDPS(absm, x1, a1)
	VMAXPS(a1, m, m)
	amax := maxLanes(m)
	Comment("db = amax/127; id = 1/db, or 0 where that is infinite (db == 0 or < 2^-128)")
	db, id, nz := XMM(), XMM(), XMM()
	VDIVSS(c127, amax, db)
	VDIVSS(db, one, id)
	VCMPSS(U8(1), inf, id, nz) // id < +Inf (LT_OS)
	VANDPS(nz, id, id)
	idz := ZMM()
	VBROADCASTSS(id, idz)
	VMULPS(idz, x0, x0)
	VMULPS(idz, x1, x1)
	VCVTPS2DQ(x0, x0)
	VCVTPS2DQ(x1, x1)
	VPMOVSDB(x0, Mem{Base: qp})
	VPMOVSDB(x1, Mem{Base: qp}.Offset(16))
	Comment("sum of the block's q")
	VPADDD(x1, x0, x0)
	s := sumLanes(x0)
	VMOVD(s, Mem{Base: sp})
	Comment("d = float32(fp16(db))")
	h := XMM()
	VCVTPS2PH(U8(0), db, h)
	VCVTPH2PS(h, h)
	VMOVSS(h, Mem{Base: dp})

	ADDQ(U32(128), xp)
	ADDQ(U32(32), qp)
	ADDQ(U32(4), dp)
	ADDQ(U32(4), sp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// maxLanes returns an XMM whose low lane is the max of z's 16 float lanes.
func maxLanes(z VecVirtual) VecVirtual {
	y := YMM()
	VEXTRACTF32X8(U8(1), z, y)
	VMAXPS(y, z.AsY(), y)
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	VMAXPS(x, y.AsX(), x)
	t := XMM()
	VMOVHLPS(x, x, t)
	VMAXPS(t, x, x)
	VMOVSHDUP(x, t)
	VMAXSS(t, x, x)
	return x
}

// sumLanes returns an XMM whose low lane is the sum of z's 16 int32 lanes.
func sumLanes(z VecVirtual) VecVirtual {
	y := YMM()
	VEXTRACTI32X8(U8(1), z, y)
	VPADDD(y, z.AsY(), y)
	x := XMM()
	VEXTRACTI128(U8(1), y, x)
	VPADDD(x, y.AsX(), x)
	t := XMM()
	VPSHUFD(U8(0x4e), x, t)
	VPADDD(t, x, x)
	VPSHUFD(U8(0xb1), x, t)
	VPADDD(t, x, x)
	return x
}

// packLoIdx / packHiIdx: VPERMT2Q indexes that gather a group's four
// 4-row quarters (packHalfQ8).
var packLoIdx, packHiIdx Mem

// packQ32Q8AVX512 / packQ32Q4AVX512: twins of packQ32 in ../kernels:
//
//	func packQ32Q8AVX512(dst []byte, w []byte, rb int, nb int)
//
// 32 ggml rows (rb bytes apart) of nb blocks become, per block, 32 float32
// scales and per k-group g the 32 rows' four unsigned bytes. The scales of
// each 16-row half are one VPGATHERDD; the quants are loaded a row at a
// time and transposed in registers (dword g of row r → lane r of group g),
// in 0.5× (Q8_0) and 0.6× (Q4_0) the time of gathering each group: gathers
// are slow on CPUs with the gather-data-sampling fix.
func packKernels() {
	packLoIdx = qwords("packLoIdx", 0, 1, 8, 9, 4, 5, 12, 13)
	packHiIdx = qwords("packHiIdx", 2, 3, 10, 11, 6, 7, 14, 15)
	pack("packQ32Q8AVX512", false)
	pack("packQ32Q4AVX512", true)
}

// interleaveDwords is a transpose's first step on pairs (a, b) = (v[2i],
// v[2i+1]): per 128-bit lane, t[2i] = [a0 b0 a1 b1], t[2i+1] = [a2 b2 a3 b3].
func interleaveDwords(v []VecVirtual) []VecVirtual {
	t := make([]VecVirtual, len(v))
	for i := 0; i < len(v); i += 2 {
		t[i], t[i+1] = ZMM(), ZMM()
		VPUNPCKLDQ(v[i+1], v[i], t[i])
		VPUNPCKHDQ(v[i+1], v[i], t[i+1])
	}
	return t
}

// packHalfQ8 stores k-groups 0-7 of the 16 rows at base (rb apart; rb8 =
// 8·rb) as unsigned bytes (XOR c = 0x80 each): row r's 32 quants are a YMM,
// rows r and r+8 share a ZMM, and an 8×8 dword transpose per 256-bit half
// puts group g of rows 0-15 in one vector.
func packHalfQ8(base Register, rb, rb8 GPVirtual, dp Register, c VecVirtual, half int) {
	p := GP64()
	MOVQ(base, p)
	v := make([]VecVirtual, 8)
	for r := range v {
		v[r] = ZMM()
		VMOVDQU32(Mem{Base: p}.Offset(2), v[r].AsY())
		VINSERTI64X4(U8(1), Mem{Base: p, Index: rb8, Scale: 1}.Offset(2), v[r], v[r])
		if r < 7 {
			ADDQ(rb, p)
		}
	}
	t := interleaveDwords(v)
	// u[j] (rows 0-3) and u[4+j] (rows 4-7): dword j of each lane's rows
	u := make([]VecVirtual, 8)
	for h := 0; h < 2; h++ {
		a, b := t[4*h:4*h+2], t[4*h+2:4*h+4]
		for j := 0; j < 4; j++ {
			u[4*h+j] = ZMM()
			if j%2 == 0 {
				VPUNPCKLQDQ(b[j/2], a[j/2], u[4*h+j])
			} else {
				VPUNPCKHQDQ(b[j/2], a[j/2], u[4*h+j])
			}
		}
	}
	// lanes of u[j]: [rows 0-3 dword j, rows 0-3 dword 4+j, rows 8-11 dword
	// j, rows 8-11 dword 4+j]; u[4+j] the same for rows 4-7 and 12-15.
	lo, hi := ZMM(), ZMM()
	VMOVDQU64(packLoIdx, lo)
	VMOVDQU64(packHiIdx, hi)
	for j := 0; j < 4; j++ {
		g4 := ZMM()
		VMOVDQA64(hi, g4)
		VPERMI2Q(u[4+j], u[j], g4)
		VPERMT2Q(u[4+j], lo, u[j])
		for _, o := range []struct {
			v VecVirtual
			g int
		}{{u[j], j}, {g4, 4 + j}} {
			VPXORD(c, o.v, o.v)
			VMOVDQU32(o.v, Mem{Base: dp}.Offset(128+128*o.g+64*half))
		}
	}
}

// packHalfQ4 stores k-groups 0-7 of the 16 Q4_0 rows at base: row r's 16
// bytes are lane r/4 of ZMM r%4, a 4×4 dword transpose per lane puts dword
// g of rows 0-15 in one vector, whose low nibbles are group g and high
// nibbles group g+4 (c = 0x0f mask).
func packHalfQ4(base Register, rb, rb8 GPVirtual, dp Register, c VecVirtual, half int) {
	rb4 := GP64()
	MOVQ(rb, rb4)
	SHLQ(U8(2), rb4)
	p := GP64()
	MOVQ(base, p)
	v := make([]VecVirtual, 4)
	for r := range v {
		v[r] = ZMM()
		VMOVDQU32(Mem{Base: p}.Offset(2), v[r].AsX())
		VINSERTI32X4(U8(1), Mem{Base: p, Index: rb4, Scale: 1}.Offset(2), v[r], v[r])
		VINSERTI32X4(U8(2), Mem{Base: p, Index: rb8, Scale: 1}.Offset(2), v[r], v[r])
		q := GP64()
		LEAQ(Mem{Base: p, Index: rb4, Scale: 1}, q)
		VINSERTI32X4(U8(3), Mem{Base: q, Index: rb8, Scale: 1}.Offset(2), v[r], v[r])
		if r < 3 {
			ADDQ(rb, p)
		}
	}
	t := interleaveDwords(v)
	for g := 0; g < 4; g++ {
		o, hi := ZMM(), ZMM()
		if g%2 == 0 {
			VPUNPCKLQDQ(t[2+g/2], t[g/2], o)
		} else {
			VPUNPCKHQDQ(t[2+g/2], t[g/2], o)
		}
		VPSRLW(U8(4), o, hi)
		VPANDD(c, o, o)
		VPANDD(c, hi, hi)
		VMOVDQU32(o, Mem{Base: dp}.Offset(128+128*g+64*half))
		VMOVDQU32(hi, Mem{Base: dp}.Offset(128+128*(g+4)+64*half))
	}
}

func pack(name string, q4 bool) {
	TEXT(name, NOSPLIT, "func(dst []byte, w []byte, rb int, nb int)")
	Pragma("noescape")
	Doc(name + " packs 32 rows of quantized weights for gemmQ32x6VNNI (see quant.go).")
	blk := 34
	if q4 {
		blk = 18
	}
	dp := Load(Param("dst").Base(), GP64())
	w0 := Load(Param("w").Base(), GP64())
	rb := Load(Param("rb"), GP64()).(GPVirtual)
	nb := Load(Param("nb"), GP64())
	w16 := GP64()
	MOVQ(rb, w16)
	SHLQ(U8(4), w16)
	ADDQ(w0, w16)
	idx := ZMM()
	VPBROADCASTD(rb.As32(), idx)
	VPMULLD(iota32, idx, idx)
	g := GP32()
	c := ZMM()
	if q4 {
		MOVL(U32(0x0f0f0f0f), g)
	} else {
		MOVL(U32(0x80808080), g)
	}
	VPBROADCASTD(g, c)
	all := K()
	KXNORW(all, all, all)
	rb8 := GP64()
	MOVQ(rb, rb8)
	SHLQ(U8(3), rb8)
	// pf runs through the panel two after this one (rows 64-95, contiguous
	// in a tensor) as this one is packed: a panel's 32 rows are read in
	// parallel, which the hardware prefetchers do not follow, and the
	// batched products (a few tokens per panel) otherwise waited on DRAM.
	pf := GP64()
	MOVQ(rb, pf)
	SHLQ(U8(6), pf)
	ADDQ(w0, pf)
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_done"))

	Label(name + "_block")
	for off := 0; off < 32*blk; off += 64 {
		PREFETCHT1(Mem{Base: pf}.Offset(off))
	}
	ADDQ(U32(32*blk), pf)
	for half, base := range []Register{w0, w16} {
		Comment("scales of rows 16h..16h+15")
		k := K()
		v := ZMM()
		KMOVW(all, k)
		VPGATHERDD(Mem{Base: base, Index: idx, Scale: 1}, k, v)
		hv := YMM()
		VPMOVDW(v, hv)
		f := ZMM()
		VCVTPH2PS(hv, f)
		VMOVUPS(f, Mem{Base: dp}.Offset(64*half))
		if q4 {
			packHalfQ4(base, rb, rb8, dp, c, half)
		} else {
			packHalfQ8(base, rb, rb8, dp, c, half)
		}
	}
	ADDQ(U32(blk), w0)
	ADDQ(U32(blk), w16)
	ADDQ(U32(1152), dp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
