package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// rowsQ8XVNNI and rowsQ4XVNNI are the matrix × vector kernels over X32
// panels (32 rows interleaved, tensor.X32Layout); twins: rowsQ8XGeneric,
// rowsQ4XGeneric.
//
//	func rowsQ4XVNNI(y []float32, w []byte, xq []int8, xd []float32, xs []int32)
//
// len(y)/32 panels of len(xd) blocks. A 64-byte load is 16 rows' next four
// quant bytes, one row per int32 lane, so VPDPBUSD against four activations
// broadcast from memory leaves each row's partial sum in its own lane: no
// horizontal sums, no gathers. Q8_0 bytes become unsigned as w^0x80 = w+128.
// Q4_0 low nibbles are v&15; high nibbles stay in place (v&0xf0 = 16·hi)
// and their sums are divided by 16 once per block with an exact arithmetic
// shift (every term is a multiple of 16), which saves a shift per load. Per
// row and block, as the plain generic kernels: acc += float32(isum) *
// (dw*dx), isum = Σw·x, computed as Σu·x − off·Σx (off 128 or 8).

// xLead is how far ahead of its loads a panel kernel prefetches.
const xLead = 16 << 10

// panelStream starts a panel kernel's software prefetch: it returns end,
// the end of this call's np panels of blocks of blk bytes at wp, and pf,
// xLead bytes ahead of wp, having requested the bytes before pf. The
// prefetch runs to L2 and stops at end (past it lie another thread's
// rows). The hardware prefetcher alone left a one-thread stream at 9-10
// GB/s where the prefetching plain Q4_0 kernel reached 11-12.
func panelStream(name string, np, wp Register, blk int) (end, pf GPVirtual) {
	end, pf = GP64(), GP64()
	MOVQ(np, end)
	IMULQ(Load(Param("xd").Len(), GP64()), end)
	IMUL3Q(U32(blk), end, end) // panels·blocks·bytes
	ADDQ(wp, end)
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
	LEAQ(Mem{Base: wp}.Offset(xLead), pf)
	return end, pf
}

// prefetchBlock requests the blk bytes at pf unless pf has reached end,
// then advances pf by blk: one block's worth per block consumed.
func prefetchBlock(name string, pf, end Register, blk int) {
	CMPQ(pf, end)
	JAE(LabelRef(name + "_nopf"))
	for off := 0; off < blk; off += 64 {
		PREFETCHT1(Mem{Base: pf}.Offset(off))
	}
	Label(name + "_nopf")
	ADDQ(U32(blk), pf)
}

func rowsQXKernels() {
	rowsQXKernel("rowsQ8XVNNI", false)
	rowsQXKernel("rowsQ4XVNNI", true)
}

func rowsQXKernel(name string, q4 bool) {
	groups, blk := 8, 32*34 // quant groups per block, bytes per block of a panel
	if q4 {
		groups, blk = 4, 32*18
	}
	TEXT(name, NOSPLIT, "func(y []float32, w []byte, xq []int8, xd []float32, xs []int32)")
	Pragma("noescape")
	Doc(name + " computes whole 32-row panels of an X32 matrix-vector product (see qrows_x32.go).")
	yp := Load(Param("y").Base(), GP64())
	np := Load(Param("y").Len(), GP64())
	SHRQ(U8(5), np)
	JZ(LabelRef(name + "_done"))
	wp := Load(Param("w").Base(), GP64())
	m := ZMM() // Q4: the low-nibble mask; Q8: the sign bit
	if q4 {
		VPBROADCASTD(bcastConst(0x0f0f0f0f).AsX(), m)
	} else {
		VPBROADCASTD(bcastConst(0x80808080).AsX(), m)
	}

	end, pf := panelStream(name, np, wp, blk)

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
	prefetchBlock(name, pf, end, blk)
	// s[h][0], s[h][1]: two int32 sums per half, so no chain is more than
	// four VPDPBUSD long. Q4: [0] the low nibbles, [1] 16·the high ones.
	s := [2][2]VecVirtual{{ZMM(), ZMM()}, {ZMM(), ZMM()}}
	for h := range 2 {
		VPXORD(s[h][0], s[h][0], s[h][0])
		VPXORD(s[h][1], s[h][1], s[h][1])
	}
	for j := range groups {
		for h := range 2 {
			v := ZMM()
			VMOVDQU64(Mem{Base: wp}.Offset(64+128*j+64*h), v)
			if q4 {
				l := ZMM()
				VPANDD(m, v, l)
				VPANDND(v, m, v) // v &^ 15
				vpdpbusd(Mem{Base: xp}.Offset(4*j), l, s[h][0], true)
				vpdpbusd(Mem{Base: xp}.Offset(16+4*j), v, s[h][1], true)
			} else {
				VPXORD(m, v, v)
				vpdpbusd(Mem{Base: xp}.Offset(4*j), v, s[h][j%2], true)
			}
		}
	}
	Comment("isum = the sums less off·Σx; acc += float32(isum) * (dw*dx)")
	off, dx := ZMM(), ZMM()
	VPBROADCASTD(Mem{Base: sp}, off)
	if q4 {
		VPSLLD(U8(3), off, off)
	} else {
		VPSLLD(U8(7), off, off)
	}
	VBROADCASTSS(Mem{Base: dp}, dx)
	for h := range 2 {
		isum := s[h][0]
		if q4 {
			VPSRAD(U8(4), s[h][1], s[h][1])
		}
		VPADDD(s[h][1], isum, isum)
		VPSUBD(off, isum, isum)
		d := ZMM()
		VCVTPH2PS(Mem{Base: wp}.Offset(32*h), d)
		VMULPS(dx, d, d)
		VCVTDQ2PS(isum, isum)
		VMULPS(d, isum, isum)
		VADDPS(isum, acc[h], acc[h])
	}
	ADDQ(U32(blk), wp)
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

// packQ8XAVX512 and packQ4XAVX512 pack nb blocks of an X32 panel for the
// tile kernel; twin: packQ32X. The panel's groups are already rows in
// lanes, so the packer only converts the scales to float32 and flips the
// Q8_0 sign bits or splits the Q4_0 nibbles: no transpose.
//
//	func packQ4XAVX512(dst []byte, w []byte, nb int)
func packQXKernels() {
	packQXKernel("packQ8XAVX512", false)
	packQXKernel("packQ4XAVX512", true)
}

func packQXKernel(name string, q4 bool) {
	groups, blk := 8, 32*34
	if q4 {
		groups, blk = 4, 32*18
	}
	TEXT(name, NOSPLIT, "func(dst []byte, w []byte, nb int)")
	Pragma("noescape")
	Doc(name + " packs nb blocks of an X32 panel for the tile kernel (see qrows_x32.go).")
	dp := Load(Param("dst").Base(), GP64())
	wp := Load(Param("w").Base(), GP64())
	nb := Load(Param("nb"), GP64())
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_done"))
	m := ZMM()
	if q4 {
		VPBROADCASTD(bcastConst(0x0f0f0f0f).AsX(), m)
	} else {
		VPBROADCASTD(bcastConst(0x80808080).AsX(), m)
	}
	// pf runs through the panel two after this one as this one is packed,
	// as packQ32's kernels do: the tile kernels between two packs leave
	// the hardware prefetcher idle, and the batched products (a few tokens
	// per panel) otherwise waited on DRAM in the packer.
	pf := GP64()
	IMUL3Q(U32(2*blk), nb, pf)
	ADDQ(wp, pf)
	Label(name + "_block")
	for off := 0; off < blk; off += 64 {
		PREFETCHT1(Mem{Base: pf}.Offset(off))
	}
	ADDQ(U32(blk), pf)
	for h := range 2 {
		d := ZMM()
		VCVTPH2PS(Mem{Base: wp}.Offset(32*h), d)
		VMOVUPS(d, Mem{Base: dp}.Offset(64*h))
	}
	for j := range groups {
		for h := range 2 {
			v := ZMM()
			VMOVDQU64(Mem{Base: wp}.Offset(64+128*j+64*h), v)
			if q4 {
				hi := ZMM()
				VPSRLW(U8(4), v, hi)
				VPANDD(m, v, v)
				VPANDD(m, hi, hi)
				VMOVDQU64(hi, Mem{Base: dp}.Offset(128+128*(j+4)+64*h))
			} else {
				VPXORD(m, v, v)
			}
			VMOVDQU64(v, Mem{Base: dp}.Offset(128+128*j+64*h))
		}
	}
	ADDQ(U32(blk), wp)
	ADDQ(U32(128+8*128), dp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// rowsQ8XAVX2 and rowsQ4XAVX2 are the panel kernels for AVX2 without VNNI,
// same contract and twins as the VNNI ones. A 32-byte load is 8 rows' next
// four quant bytes; VPMADDUBSW multiplies unsigned by signed bytes into
// int16 pairs and VPMADDWD by ones adds each row's pairs into its int32
// lane. Q4: nibbles (≤ 15) times activations (|x| ≤ 127, the quantizer's
// range) give pairs of at most 3810, and the block's eight pairs per lane
// sum to at most 30480, so one int16 sum per block is exact. Q8: |w| times
// x·sign(w) (VPABSB, VPSIGNB) gives pairs of at most 128·127·2 = 32512,
// widened per group. The rows go a quarter (8 rows) at a time, because
// AVX2 has 16 vector registers.
func rowsQXAVX2Kernels() {
	rowsQXAVX2("rowsQ8XAVX2", false)
	rowsQXAVX2("rowsQ4XAVX2", true)
}

func rowsQXAVX2(name string, q4 bool) {
	groups, blk := 8, 32*34
	if q4 {
		groups, blk = 4, 32*18
	}
	TEXT(name, NOSPLIT, "func(y []float32, w []byte, xq []int8, xd []float32, xs []int32)")
	Pragma("noescape")
	Doc(name + " computes whole 32-row panels of an X32 matrix-vector product with AVX2 (see qrows_x32.go).")
	yp := Load(Param("y").Base(), GP64())
	np := Load(Param("y").Len(), GP64())
	SHRQ(U8(5), np)
	JZ(LabelRef(name + "_done"))
	wp := Load(Param("w").Base(), GP64())
	ones := bcastConst(0x00010001)
	var m VecVirtual
	if q4 {
		m = bcastConst(0x0f0f0f0f)
	}
	end, pf := panelStream(name, np, wp, blk)

	Label(name + "_panel")
	xp := Load(Param("xq").Base(), GP64())
	dp := Load(Param("xd").Base(), GP64())
	sp := Load(Param("xs").Base(), GP64())
	nb := Load(Param("xd").Len(), GP64())
	acc := make([]VecVirtual, 4) // rows 8q..8q+7
	for q := range acc {
		acc[q] = YMM()
		VXORPS(acc[q], acc[q], acc[q])
	}

	Label(name + "_block")
	prefetchBlock(name, pf, end, blk)
	dx := YMM()
	VBROADCASTSS(Mem{Base: dp}, dx)
	var off VecVirtual
	if q4 {
		off = YMM()
		VPBROADCASTD(Mem{Base: sp}, off)
		VPSLLD(U8(3), off, off)
	}
	for q := range 4 {
		sum := YMM()
		VPXOR(sum, sum, sum)
		for j := range groups {
			v, x := YMM(), YMM()
			VMOVDQU(Mem{Base: wp}.Offset(64+128*j+32*q), v)
			if q4 {
				h := YMM()
				VPSRLW(U8(4), v, h)
				VPAND(m, v, v)
				VPAND(m, h, h)
				VPBROADCASTD(Mem{Base: xp}.Offset(4*j), x)
				VPMADDUBSW(x, v, v)
				VPADDW(v, sum, sum)
				VPBROADCASTD(Mem{Base: xp}.Offset(16+4*j), x)
				VPMADDUBSW(x, h, h)
				VPADDW(h, sum, sum)
			} else {
				u := YMM()
				VPBROADCASTD(Mem{Base: xp}.Offset(4*j), x)
				VPSIGNB(v, x, x)
				VPABSB(v, u)
				VPMADDUBSW(x, u, u)
				VPMADDWD(ones, u, u)
				VPADDD(u, sum, sum)
			}
		}
		if q4 {
			VPMADDWD(ones, sum, sum)
			VPSUBD(off, sum, sum)
		}
		d := YMM()
		VCVTPH2PS(Mem{Base: wp}.Offset(16*q), d)
		VMULPS(dx, d, d)
		VCVTDQ2PS(sum, sum)
		VMULPS(d, sum, sum)
		VADDPS(sum, acc[q], acc[q])
	}
	ADDQ(U32(blk), wp)
	ADDQ(U8(32), xp)
	ADDQ(U8(4), dp)
	ADDQ(U8(4), sp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	for q := range acc {
		VMOVUPS(acc[q], Mem{Base: yp}.Offset(32*q))
	}
	ADDQ(U8(128), yp)
	DECQ(np)
	JNZ(LabelRef(name + "_panel"))

	Label(name + "_done")
	VZEROUPPER()
	RET()
}
