package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// rowsQ4VBMI is rowsQ4VNNI with a main loop over four blocks at a time,
// one row per ZMM (a 128-bit lane per block) instead of four rows per ZMM
// (a lane per row). A row's four blocks are 72 contiguous bytes: one
// VPERMB (AVX512-VBMI) of its first 64 puts three blocks' nibbles in lanes
// 0-2 and a masked broadcast loads the fourth, where the lane-per-row
// layout needs three VINSERTI32X4 per block. A VPSHUFB of the same 64
// bytes places the row's four scales, so no gather; the horizontal sums
// are shared by four blocks. (Two-table byte and word permutes, VPERMT2B
// and VPERMT2W, measured slower than the kernel they replaced.) The blocks
// left over (nb mod 4) run the lane-per-row loop. Same result bits as
// rowsQ4Generic.

// quadConsts are what the quad loop uses on every row, loaded once per
// call; its other index vectors are loaded where used (registers are short).
type quadConsts struct {
	nib   VecVirtual
	lane3 OpmaskVirtual // the dwords of lane 3
}

var (
	q4nib   Mem // VPERMB: byte i of lane l < 3 = span byte 2+18l+i
	q4scale Mem // VPSHUFB, one per row r: lane l's word r = block l's d
	q4lo2   Mem // qwords: lanes 0,1 of the rows 0-3 and rows 4-7 sums, interleaved
	q4hi2   Mem // the same for lanes 2,3
	q4bc01  Mem // dwords: element 0 eight times, then element 1 eight times
	q4bc23  Mem // the same for elements 2 and 3
)

func quadConstants() {
	q4nib = GLOBL("q4nib", RODATA|NOPTR)
	for l := 0; l < 4; l++ {
		for i := 0; i < 16; i++ {
			src := 2 + 18*l + i
			if l == 3 {
				src = 0 // lane 3 is loaded from the span's bytes 56-71
			}
			DATA(16*l+i, U8(src))
		}
	}
	q4scale = GLOBL("q4scale", RODATA|NOPTR)
	for r := 0; r < 8; r++ {
		for l := 0; l < 4; l++ {
			for i := 0; i < 16; i++ {
				v := 0x80 // VPSHUFB: zero
				if i/2 == r {
					v = 2*l + i%2 // block l's d sits at byte 18l = byte 2l of lane l
				}
				DATA(64*r+16*l+i, U8(v))
			}
		}
	}
	q4lo2 = qwords("q4lo2", 0, 1, 8, 9, 2, 3, 10, 11)
	q4hi2 = qwords("q4hi2", 4, 5, 12, 13, 6, 7, 14, 15)
	q4bc01 = GLOBL("q4bc01", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(i/8))
	}
	q4bc23 = GLOBL("q4bc23", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(2+i/8))
	}
}

func (c *rowsCtx) loadQuadConsts() quadConsts {
	q := quadConsts{nib: load(q4nib), lane3: K()}
	g := GP32()
	MOVL(U32(0xf000), g)
	KMOVW(g, q.lane3)
	return q
}

// quadStep adds four blocks of the eight rows to acc (YMM, row order), in
// block order. xp, dp, sp point at the blocks' activations, d and sums.
func (c *rowsCtx) quadStep(xp, dp, sp Register, m VecVirtual, q quadConsts, acc VecVirtual) {
	Comment("activations: lane l = block l's x[0:16] (xlo) or x[16:32] (xhi)")
	xa, xb, xlo, xhi := ZMM(), ZMM(), ZMM(), ZMM()
	VMOVDQU64(Mem{Base: xp}, xa)
	VMOVDQU64(Mem{Base: xp}.Offset(64), xb)
	VSHUFI64X2(U8(0x88), xb, xa, xlo)
	VSHUFI64X2(U8(0xdd), xb, xa, xhi)

	Comment("per row: nibbles of four blocks, int32 partial sums per lane,")
	Comment("pairs of rows reduced as they finish; sc gathers the scales")
	h := make([]VecVirtual, 4) // rows 2i, 2i+1: pair sums per lane
	var prev VecVirtual
	sc := make([]VecVirtual, 8)
	for r := 0; r < 8; r++ {
		span, w, hi, a := ZMM(), ZMM(), ZMM(), ZMM()
		VMOVDQU64(c.row(r), span)
		VPERMB(span, q.nib, w)
		VBROADCASTI32X4(c.row(r).Offset(56), q.lane3, w)
		sc[r] = ZMM()
		VPSHUFB(q4scale.Offset(64*r), span, sc[r])
		VPSRLW(U8(4), w, hi)
		VPANDD(m, w, w)
		VPANDD(m, hi, hi)
		VPXORD(a, a, a)
		vpdpbusd(xlo, w, a, false)
		vpdpbusd(xhi, hi, a, false)
		if r%2 == 0 {
			prev = a
			continue
		}
		h[r/2] = ZMM()
		pairAdd(a, prev, h[r/2])
		if r%4 == 3 { // lane l of sc[r-3] = block l's d of rows r-3..r at words r-3..r
			VPTERNLOGD(U8(0xfe), sc[r], sc[r-1], sc[r-2])
			VPORD(sc[r-2], sc[r-3], sc[r-3])
		}
	}
	VPORD(sc[4], sc[0], sc[0])

	Comment("sums: lane l of s[0] = rows 0-3 of block l, of s[1] = rows 4-7")
	s := []VecVirtual{ZMM(), ZMM()}
	pairAdd(h[1], h[0], s[0])
	pairAdd(h[3], h[2], s[1])
	Comment("z01 = [block 0: rows 0-7, block 1: rows 0-7], z23 the same for 2, 3")
	z23 := ZMM()
	VMOVDQU64(q4hi2, z23)
	VPERMI2Q(s[1], s[0], z23)
	VPERMT2Q(s[1], load(q4lo2), s[0])
	z01 := s[0]

	Comment("scales: lane l of sc[0] = the eight rows' fp16 d of block l")
	wlo, whi := ZMM(), ZMM()
	VCVTPH2PS(sc[0].AsY(), wlo)
	VEXTRACTI64X4(U8(1), sc[0], sc[1].AsY())
	VCVTPH2PS(sc[1].AsY(), whi)

	Comment("per block: d·dx, and the nibble offset 8·Σx to remove")
	dx, cv := ZMM(), ZMM()
	VMOVDQU32(Mem{Base: dp}, dx.AsX())
	VMOVDQU32(Mem{Base: sp}, cv.AsX())
	VPSLLD(U8(3), cv.AsX(), cv.AsX())
	for _, z := range []struct {
		sum, w VecVirtual
		bc     Mem
	}{{z01, wlo, q4bc01}, {z23, whi, q4bc23}} {
		d, o, bc := ZMM(), ZMM(), load(z.bc)
		VPERMPS(dx, bc, d)
		VPERMD(cv, bc, o)
		VPSUBD(o, z.sum, z.sum)
		VMULPS(d, z.w, z.w)
		VCVTDQ2PS(z.sum, z.sum)
		VMULPS(z.w, z.sum, z.sum)
		Comment("acc += the first block, then the second")
		VADDPS(z.sum.AsY(), acc, acc)
		VEXTRACTF32X8(U8(1), z.sum, z.w.AsY())
		VADDPS(z.w.AsY(), acc, acc)
	}
}

// load returns a new ZMM holding the 64 bytes at m.
func load(m Mem) VecVirtual {
	v := ZMM()
	VMOVDQU64(m, v)
	return v
}

// pairAdd sets dst, per 128-bit lane, to [a0+a1, a2+a3, b0+b1, b2+b3].
func pairAdd(b, a, dst VecVirtual) {
	t1, t2 := ZMM(), ZMM()
	VSHUFPS(U8(0x88), b, a, t1)
	VSHUFPS(U8(0xdd), b, a, t2)
	VPADDD(t2, t1, dst)
}
