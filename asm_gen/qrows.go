package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Row kernels over ggml-layout Q8_0 / Q4_0 weights, eight rows at a time:
//
//	func rowsQ8XXX(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)
//
// y[r] for r < len(y)/8*8 is the dot of weight row r (at w[r*wstride:])
// with the Q8_0 activations (xq, xd, block sums xs), len(xd) blocks. Go
// finishes the last len(y)%8 rows. Twins: rowsQ8Generic, rowsQ4Generic;
// the result is bit-exact: each block's int32 sum is reduced exactly, then
// acc += float32(isum) * (dw*dx) in block order with separate roundings.
//
// Register map: p0 = row 0 of the group at the current block, p4 = row 4,
// s / s3 = one / three row strides, so row r is p0 or p4 plus 0, s, 2s, s3.
// Vector lane r of acc holds row r (Q4: row order 0,2,4,6,1,3,5,7, put back
// by a VPERMD before the store).

type rowsCtx struct {
	name          string
	q4, vnni      bool
	vbmi          bool // Q4 only: the four-block loop of qrows_quad.go
	p0, p4, s, s3 GPVirtual
}

func rowsQ8Kernels() {
	rowsQ(rowsCtx{name: "rowsQ8AVX2"})
	rowsQ(rowsCtx{name: "rowsQ8VNNI", vnni: true})
}

func rowsQ4Kernels() {
	rowsQ(rowsCtx{name: "rowsQ4AVX2", q4: true})
	rowsQ(rowsCtx{name: "rowsQ4VNNI", q4: true, vnni: true})
	quadConstants()
	rowsQ(rowsCtx{name: "rowsQ4VBMI", q4: true, vnni: true, vbmi: true})
}

// row returns the address of row r of the group at the current block.
func (c *rowsCtx) row(r int) Mem {
	base := []GPVirtual{c.p0, c.p4}[r/4]
	m := Mem{Base: base}
	switch r % 4 {
	case 1:
		m = m.Idx(c.s, 1)
	case 2:
		m = m.Idx(c.s, 2)
	case 3:
		m = m.Idx(c.s3, 1)
	}
	return m
}

// bcastConst puts the 32-bit pattern v in every lane of a new YMM.
func bcastConst(v uint32) VecVirtual {
	g, y := GP32(), YMM()
	MOVL(U32(v), g)
	VMOVD(g, y.AsX())
	VPBROADCASTD(y.AsX(), y)
	return y
}

func rowsQ(c rowsCtx) {
	TEXT(c.name, NOSPLIT, "func(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)")
	Pragma("noescape")
	Doc(c.name + " computes eight rows at a time of a ggml-layout quantized matrix-vector product (see qrows.go).")
	blk := 34
	if c.q4 {
		blk = 18
	}
	yp := Load(Param("y").Base(), GP64())
	ng := Load(Param("y").Len(), GP64())
	SHRQ(U8(3), ng)
	JZ(LabelRef(c.name + "_done"))
	wp := Load(Param("w").Base(), GP64())
	c.s = Load(Param("wstride"), GP64()).(GPVirtual)
	c.s3 = GP64()
	LEAQ(Mem{Base: c.s, Index: c.s, Scale: 2}, c.s3)

	// Gather offsets of the eight rows' scales, in acc lane order.
	idx := YMM()
	VMOVD(c.s.As32(), idx.AsX())
	VPBROADCASTD(idx.AsX(), idx)
	if c.q4 && !c.vnni {
		VPMULLD(q4order, idx, idx)
	} else {
		VPMULLD(iota32, idx, idx)
	}
	var c80, ones16, m0f, m16 VecVirtual
	if c.q4 {
		m0f = bcastConst(0x0f0f0f0f)
	} else if c.vnni {
		c80 = bcastConst(0x80808080)
	}
	if !c.vnni {
		ones16 = bcastConst(0x00010001)
		m16 = bcastConst(0x0000ffff)
	}
	var m0fZ, q4perm VecVirtual // q4SumsZ's nibble mask and lane permutation
	if c.q4 && c.vnni {
		m0fZ, q4perm = ZMM(), ZMM()
		VPBROADCASTD(m0f.AsX(), m0fZ)
		VMOVDQU32(q4gather, q4perm)
	}
	var quad quadConsts
	if c.vbmi {
		quad = c.loadQuadConsts()
	}

	// The block loop's prefetches run a lead ahead (pf below) but stop at
	// rowsEnd, the end of this call's rows: past it lie another thread's
	// rows or another tensor, and fetching them cost a two-thread call on
	// a small matrix a tenth of its time. The rows inside the lead at the
	// start of a call get their prefetches here, so a short call (a
	// thread's share of a small matrix) does not wait for them.
	rowsEnd := GP64()
	MOVQ(ng, rowsEnd)
	SHLQ(U8(3), rowsEnd)
	IMULQ(c.s, rowsEnd)
	ADDQ(wp, rowsEnd)
	{
		p, end := GP64(), GP64()
		MOVQ(wp, p)
		MOVQ(c.s, end)
		SHLQ(U8(c.leadShift()), end)
		ADDQ(wp, end)
		CMPQ(end, rowsEnd)
		CMOVQHI(rowsEnd, end)
		Label(c.name + "_lead")
		PREFETCHT1(Mem{Base: p})
		ADDQ(U8(64), p)
		CMPQ(p, end)
		JB(LabelRef(c.name + "_lead"))
	}

	Label(c.name + "_group")
	c.p0, c.p4 = GP64(), GP64()
	MOVQ(wp, c.p0)
	LEAQ(Mem{Base: wp, Index: c.s, Scale: 4}, c.p4)
	xp := Load(Param("xq").Base(), GP64())
	dp := Load(Param("xd").Base(), GP64())
	sp := Load(Param("xs").Base(), GP64())
	nb := Load(Param("xd").Len(), GP64())
	acc := YMM()
	VXORPS(acc, acc, acc)
	// pf walks a lead ahead (rows are contiguous in a tensor): each block
	// prefetches as many bytes as the eight rows consume, so DRAM requests
	// run ahead of the hardware prefetcher's stride detection. PREFETCHT1
	// (to L2): a T0 prefetch holds one of L1's few fill buffers until its
	// line arrives, which capped the lines in flight from DRAM.
	pf := GP64()
	MOVQ(c.s, pf)
	SHLQ(U8(c.leadShift()), pf)
	ADDQ(wp, pf)
	if c.vbmi {
		// nb counts down by four while four blocks remain, then holds the tail.
		SUBQ(U8(4), nb)
		JB(LabelRef(c.name + "_tail"))
		Label(c.name + "_quad")
		c.prefetch(pf, rowsEnd, 8*4*blk, "_quadpf")
		c.quadStep(xp, dp, sp, m0fZ, quad, acc)
		ADDQ(U32(4*blk), c.p0)
		ADDQ(U32(4*blk), c.p4)
		ADDQ(U32(4*32), xp)
		ADDQ(U32(16), dp)
		ADDQ(U32(16), sp)
		SUBQ(U8(4), nb)
		JAE(LabelRef(c.name + "_quad"))
		Label(c.name + "_tail")
		ADDQ(U8(4), nb)
	}
	TESTQ(nb, nb)
	JZ(LabelRef(c.name + "_store"))

	Label(c.name + "_block")
	c.prefetch(pf, rowsEnd, 8*blk, "_blockpf")
	Comment("int32 block sums of the eight rows")
	var isum VecVirtual
	switch {
	case c.q4 && c.vnni:
		isum = c.q4SumsZ(xp, m0fZ, q4perm)
	case c.q4:
		isum = c.q4Sums(xp, m0f, ones16)
	default:
		isum = c.q8Sums(xp, c80, ones16)
	}
	Comment("remove the activation offset: Q8 u8 = w+128 (VNNI), Q4 nibbles = w+8")
	if c.q4 || c.vnni {
		cv := YMM()
		VPBROADCASTD(Mem{Base: sp}, cv)
		if c.q4 {
			VPSLLD(U8(3), cv, cv)
		} else {
			VPSLLD(U8(7), cv, cv)
		}
		VPSUBD(cv, isum, isum)
	}
	Comment("scales: gather the rows' fp16 d, times the activation d")
	g := YMM()
	if c.vnni {
		k := K()
		KXNORW(k, k, k)
		VPGATHERDD(Mem{Base: c.p0, Index: idx, Scale: 1}, k, g)
		VPMOVDW(g, g.AsX())
	} else {
		mask := YMM()
		VPCMPEQD(mask, mask, mask)
		VPGATHERDD(mask, Mem{Base: c.p0, Index: idx, Scale: 1}, g)
		VPAND(m16, g, g)
		VPACKUSDW(g, g, g)
		VPERMQ(U8(0x08), g, g)
	}
	sc := YMM()
	VCVTPH2PS(g.AsX(), sc)
	dx := YMM()
	VBROADCASTSS(Mem{Base: dp}, dx)
	VMULPS(dx, sc, sc)
	Comment("acc += float32(isum) * (dw*dx)")
	f := YMM()
	VCVTDQ2PS(isum, f)
	VMULPS(sc, f, f)
	VADDPS(f, acc, acc)

	ADDQ(U32(blk), c.p0)
	ADDQ(U32(blk), c.p4)
	ADDQ(U32(32), xp)
	ADDQ(U32(4), dp)
	ADDQ(U32(4), sp)
	DECQ(nb)
	JNZ(LabelRef(c.name + "_block"))

	Label(c.name + "_store")
	if c.q4 && !c.vnni {
		pr := YMM()
		VMOVDQU(perm3120, pr)
		VPERMD(acc, pr, acc)
	}
	VMOVUPS(acc, Mem{Base: yp})
	ADDQ(U32(32), yp)
	LEAQ(Mem{Base: wp, Index: c.s, Scale: 8}, wp)
	DECQ(ng)
	JNZ(LabelRef(c.name + "_group"))

	Label(c.name + "_done")
	VZEROUPPER()
	RET()
}

// prefetch requests the n bytes at pf unless pf has reached end, then
// advances pf by n.
func (c *rowsCtx) prefetch(pf, end GPVirtual, n int, label string) {
	CMPQ(pf, end)
	JAE(LabelRef(c.name + label))
	for off := 0; off < n; off += 64 {
		PREFETCHT1(Mem{Base: pf}.Offset(off))
	}
	Label(c.name + label)
	ADDQ(U32(n), pf)
}

// q8Sums returns the eight rows' int32 dot products for one Q8_0 block,
// natural lane order. VNNI: (w^0x80) as u8 times x, offset removed later.
// AVX2: |w| times sign(x, w) with VPMADDUBSW, exact since |products| <= 127².
func (c *rowsCtx) q8Sums(xp Register, c80, ones16 VecVirtual) VecVirtual {
	x := YMM()
	c.movdqu(Mem{Base: xp}, x)
	a := make([]VecVirtual, 8)
	for r := range a {
		a[r] = YMM()
		if c.vnni {
			u := YMM()
			VPXORD(c.row(r).Offset(2), c80, u)
			VPXORD(a[r], a[r], a[r])
			vpdpbusd(x, u, a[r], false)
		} else {
			w, u, sx := YMM(), YMM(), YMM()
			VMOVDQU(c.row(r).Offset(2), w)
			VPABSB(w, u)
			VPSIGNB(w, x, sx)
			VPMADDUBSW(sx, u, u)
			VPMADDWD(ones16, u, a[r])
		}
	}
	return c.hsum8(a)
}

// The VNNI kernels may get registers Y16-Y31, which VEX-only instructions
// (VMOVDQU, VPAND, VPHADDD, VPERM2I128, VINSERTI128) cannot name, so they
// use EVEX forms with the same effect.

func (c *rowsCtx) movdqu(m Mem, v Register) {
	if c.vnni {
		VMOVDQU32(m, v)
	} else {
		VMOVDQU(m, v)
	}
}

// hadd is VPHADDD: per 128-bit lane, [a0+a1, a2+a3, b0+b1, b2+b3].
func (c *rowsCtx) hadd(b, a, dst VecVirtual) {
	if !c.vnni {
		VPHADDD(b, a, dst)
		return
	}
	t1, t2 := YMM(), YMM()
	VSHUFPS(U8(0x88), b, a, t1)
	VSHUFPS(U8(0xdd), b, a, t2)
	VPADDD(t2, t1, dst)
}

// hsum8 reduces eight vectors of eight int32 lanes to one vector whose lane
// r is the sum of a[r]'s lanes.
func (c *rowsCtx) hsum8(a []VecVirtual) VecVirtual {
	h := make([]VecVirtual, 4)
	for i := range h {
		h[i] = YMM()
		c.hadd(a[2*i+1], a[2*i], h[i])
	}
	lo, hi := YMM(), YMM()
	c.hadd(h[1], h[0], lo) // per half: rows 0-3, lanes 0-3 | rows 0-3, lanes 4-7
	c.hadd(h[3], h[2], hi) // the same for rows 4-7
	t1, t2 := YMM(), YMM()
	if c.vnni {
		VSHUFI64X2(U8(0), hi, lo, t1) // [lo.lane0, hi.lane0]
		VSHUFI64X2(U8(3), hi, lo, t2) // [lo.lane1, hi.lane1]
	} else {
		VPERM2I128(U8(0x20), hi, lo, t1)
		VPERM2I128(U8(0x31), hi, lo, t2)
	}
	VPADDD(t2, t1, t1)
	return t1
}

// leadShift: the prefetch lead is rowstride << leadShift bytes, 32 rows
// (four groups of eight): 22 KB of Q8_0 or 11 KB of Q4_0 at k = 640. A
// longer Q4_0 lead (64 rows) was 6% slower on one thread (paired runs).
func (c *rowsCtx) leadShift() int { return 5 }

// q4SumsZ is q4Sums for AVX-512 VNNI in natural lane order: four rows per
// ZMM, one per 128-bit lane (low nibbles meet x[0:16], high x[16:32]),
// then two pairwise adds within lanes and a permute gather the eight sums.
// m is the nibble mask and perm q4gather, both loaded before the loop.
func (c *rowsCtx) q4SumsZ(xp Register, m, perm VecVirtual) VecVirtual {
	xlo, xhi := ZMM(), ZMM()
	VBROADCASTI32X4(Mem{Base: xp}, xlo)
	VBROADCASTI32X4(Mem{Base: xp}.Offset(16), xhi)
	a := make([]VecVirtual, 2)
	for i := range a {
		q, hi := ZMM(), ZMM()
		a[i] = ZMM()
		VMOVDQU32(c.row(4*i).Offset(2), q.AsX())
		for l := 1; l < 4; l++ {
			VINSERTI32X4(U8(l), c.row(4*i+l).Offset(2), q, q)
		}
		VPSRLW(U8(4), q, hi)
		VPANDD(m, q, q)
		VPANDD(m, hi, hi)
		VPXORD(a[i], a[i], a[i])
		vpdpbusd(xlo, q, a[i], false)
		vpdpbusd(xhi, hi, a[i], false)
	}
	// lane j: [row j: s0+s1, s2+s3, row 4+j: s0+s1, s2+s3], then
	// [row j, row 4+j, ...]: row j's sum in dword 4j, row 4+j's in 4j+1
	t1, t2, h := ZMM(), ZMM(), ZMM()
	VSHUFPS(U8(0x88), a[1], a[0], t1)
	VSHUFPS(U8(0xdd), a[1], a[0], t2)
	VPADDD(t2, t1, h)
	VSHUFPS(U8(0x88), h, h, t1)
	VSHUFPS(U8(0xdd), h, h, t2)
	VPADDD(t2, t1, h)
	VPERMD(h, perm, h)
	return h.AsY().(VecVirtual)
}

// q4Sums returns the eight rows' int32 dot products (nibbles, without the
// -8) for one Q4_0 block, lane order 0,2,4,6,1,3,5,7. Two rows share a YMM:
// low 128 bits row r, high row r+1; low nibbles meet x[0:16], high x[16:32].
func (c *rowsCtx) q4Sums(xp Register, m0f, ones16 VecVirtual) VecVirtual {
	xlo, xhi := YMM(), YMM()
	if c.vnni {
		VBROADCASTI32X4(Mem{Base: xp}, xlo)
		VBROADCASTI32X4(Mem{Base: xp}.Offset(16), xhi)
	} else {
		VBROADCASTI128(Mem{Base: xp}, xlo)
		VBROADCASTI128(Mem{Base: xp}.Offset(16), xhi)
	}
	a := make([]VecVirtual, 4)
	for i := range a {
		q, hi := YMM(), YMM()
		a[i] = YMM()
		if c.vnni {
			VMOVDQU32(c.row(2*i).Offset(2), q.AsX())
			VINSERTI32X4(U8(1), c.row(2*i+1).Offset(2), q, q)
			VPSRLW(U8(4), q, hi)
			VPANDD(m0f, q, q)
			VPANDD(m0f, hi, hi)
			VPXORD(a[i], a[i], a[i])
			vpdpbusd(xlo, q, a[i], false)
			vpdpbusd(xhi, hi, a[i], false)
		} else {
			VMOVDQU(c.row(2*i).Offset(2), q.AsX())
			VINSERTI128(U8(1), c.row(2*i+1).Offset(2), q, q)
			VPSRLW(U8(4), q, hi)
			VPAND(m0f, q, q)
			VPAND(m0f, hi, hi)
			VPMADDUBSW(xlo, q, q)
			VPMADDUBSW(xhi, hi, hi)
			VPADDW(hi, q, q)
			VPMADDWD(ones16, q, a[i])
		}
	}
	h1, h2, h := YMM(), YMM(), YMM()
	c.hadd(a[1], a[0], h1)
	c.hadd(a[3], a[2], h2)
	c.hadd(h2, h1, h)
	return h
}
