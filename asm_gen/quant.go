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

// packQ32Q8AVX512 / packQ32Q4AVX512: twins of packQ32 in ../kernels:
//
//	func packQ32Q8AVX512(dst []byte, w []byte, rb int, nb int)
//
// 32 ggml rows (rb bytes apart) of nb blocks become, per block, 32 float32
// scales and per k-group g the 32 rows' four unsigned bytes. Each 16-row
// half is one VPGATHERDD per k-group (Q4: per pair of k-groups g, g+4,
// split into low and high nibbles).
func packKernels() {
	pack("packQ32Q8AVX512", false)
	pack("packQ32Q4AVX512", true)
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
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_done"))

	Label(name + "_block")
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
		if !q4 {
			for kg := 0; kg < 8; kg++ {
				k := K()
				v := ZMM()
				KMOVW(all, k)
				VPGATHERDD(Mem{Base: base, Index: idx, Scale: 1, Disp: 2 + 4*kg}, k, v)
				VPXORD(c, v, v)
				VMOVDQU32(v, Mem{Base: dp}.Offset(128+128*kg+64*half))
			}
			continue
		}
		for kg := 0; kg < 4; kg++ {
			k := K()
			v, hi := ZMM(), ZMM()
			KMOVW(all, k)
			VPGATHERDD(Mem{Base: base, Index: idx, Scale: 1, Disp: 2 + 4*kg}, k, v)
			VPSRLW(U8(4), v, hi)
			VPANDD(c, v, v)
			VPANDD(c, hi, hi)
			VMOVDQU32(v, Mem{Base: dp}.Offset(128+128*kg+64*half))
			VMOVDQU32(hi, Mem{Base: dp}.Offset(128+128*(kg+4)+64*half))
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
