package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// rowsQ4XVNNI is the matrix × vector kernel over Q4_0X32 panels (32 rows
// interleaved, tensor.Q4_0X32Layout); twin: rowsQ4XGeneric.
//
//	func rowsQ4XVNNI(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
//
// len(y)/32 panels of len(xd) blocks. A 64-byte load is 16 rows' next four
// quant bytes, one row per int32 lane, so VPDPBUSD against four activations
// broadcast from memory leaves each row's partial sum in its own lane: no
// horizontal sums, no gathers. Low nibbles are v&15; high nibbles stay in
// place (v&0xf0 = 16·hi) and their sums are divided by 16 once per block
// with an exact arithmetic shift (every term is a multiple of 16), which
// saves a shift per load. Per row and block, as rowsQ4Generic:
// acc += float32(isum) * (dw*dx), isum = Σlo·x + Σhi·x − 8·Σx.
// xLead is how far ahead of its loads rowsQ4XVNNI prefetches.
const xLead = 16 << 10

func rowsQ4XKernel() {
	const name = "rowsQ4XVNNI"
	TEXT(name, NOSPLIT, "func(y []float32, w []byte, xq []int8, xd []float32, xs []int32)")
	Pragma("noescape")
	Doc(name + " computes whole 32-row panels of a Q4_0X32 matrix-vector product (see qrows_x32.go).")
	yp := Load(Param("y").Base(), GP64())
	np := Load(Param("y").Len(), GP64())
	SHRQ(U8(5), np)
	JZ(LabelRef(name + "_done"))
	wp := Load(Param("w").Base(), GP64())
	m := ZMM()
	VPBROADCASTD(bcastConst(0x0f0f0f0f).AsX(), m)

	// Software prefetch runs xLead bytes ahead of the loads, to L2, and
	// stops at end (this call's panels; past them lie another thread's
	// rows). The hardware prefetcher alone left a one-thread stream at
	// 9-10 GB/s where the prefetching Q4_0 kernel reached 11-12. The
	// first xLead bytes are requested before the loop.
	end, pf := GP64(), GP64()
	MOVQ(np, end)
	IMULQ(Load(Param("xd").Len(), GP64()), end)
	LEAQ(Mem{Base: end, Index: end, Scale: 8}, end) // ·9
	SHLQ(U8(6), end)                                // ·64: panels·blocks·576
	ADDQ(wp, end)
	{
		lim := GP64()
		MOVQ(wp, pf)
		LEAQ(Mem{Base: wp}.Offset(xLead), lim)
		CMPQ(lim, end)
		CMOVQHI(end, lim)
		Label(name + "_lead")
		CMPQ(pf, lim)
		JAE(LabelRef(name + "_leaddone"))
		PREFETCHT1(Mem{Base: pf})
		ADDQ(U8(64), pf)
		JMP(LabelRef(name + "_lead"))
		Label(name + "_leaddone")
	}
	LEAQ(Mem{Base: wp}.Offset(xLead), pf)

	Label(name + "_panel")
	xp := Load(Param("xq").Base(), GP64())
	dp := Load(Param("xd").Base(), GP64())
	sp := Load(Param("xs").Base(), GP64())
	nb := Load(Param("xd").Len(), GP64())
	acc := []VecVirtual{ZMM(), ZMM()} // rows 0-15, 16-31
	for _, a := range acc {
		VXORPS(a, a, a)
	}

	Label(name + "_block")
	CMPQ(pf, end)
	JAE(LabelRef(name + "_nopf"))
	for off := 0; off < 576; off += 64 {
		PREFETCHT1(Mem{Base: pf}.Offset(off))
	}
	Label(name + "_nopf")
	ADDQ(U32(576), pf)
	Comment("int32 sums per row: lo[h] of the low nibbles, hi[h] of 16·high")
	lo, hi := []VecVirtual{ZMM(), ZMM()}, []VecVirtual{ZMM(), ZMM()}
	for h := range 2 {
		VPXORD(lo[h], lo[h], lo[h])
		VPXORD(hi[h], hi[h], hi[h])
	}
	for j := range 4 {
		for h := range 2 {
			v, l := ZMM(), ZMM()
			VMOVDQU64(Mem{Base: wp}.Offset(64+128*j+64*h), v)
			VPANDD(m, v, l)
			VPANDND(v, m, v) // v &^ 15
			vpdpbusd(Mem{Base: xp}.Offset(4*j), l, lo[h], true)
			vpdpbusd(Mem{Base: xp}.Offset(16+4*j), v, hi[h], true)
		}
	}
	Comment("isum = lo + hi/16 - 8·Σx; acc += float32(isum) * (dw*dx)")
	off, dx := ZMM(), ZMM()
	VPBROADCASTD(Mem{Base: sp}, off)
	VPSLLD(U8(3), off, off)
	VBROADCASTSS(Mem{Base: dp}, dx)
	for h := range 2 {
		VPSRAD(U8(4), hi[h], hi[h])
		VPADDD(hi[h], lo[h], lo[h])
		VPSUBD(off, lo[h], lo[h])
		s := ZMM()
		VCVTPH2PS(Mem{Base: wp}.Offset(32*h), s)
		VMULPS(dx, s, s)
		VCVTDQ2PS(lo[h], lo[h])
		VMULPS(s, lo[h], lo[h])
		VADDPS(lo[h], acc[h], acc[h])
	}
	ADDQ(U32(576), wp)
	ADDQ(U8(32), xp)
	ADDQ(U8(4), dp)
	ADDQ(U8(4), sp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	VMOVUPS(acc[0], Mem{Base: yp})
	VMOVUPS(acc[1], Mem{Base: yp}.Offset(64))
	ADDQ(U8(128), yp)
	DECQ(np)
	JNZ(LabelRef(name + "_panel"))

	Label(name + "_done")
	VZEROUPPER()
	RET()
}
