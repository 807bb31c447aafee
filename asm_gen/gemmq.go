package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// gemmQ32x6VNNI: a register-blocked quantized matrix × matrix tile.
//
//	func gemmQ32x6VNNI(y []float32, ystride int, pw []byte, px []byte, xd []float32, xc []int32, nb int, flags int)
//
// It computes 32 weight rows × 6 tokens over nb blocks:
// y[t*ystride+r] for r < 32, t < 6. With flags bit 0 (accumulate) the
// float accumulators start from y instead of 0, so Go can split k into
// chunks that stay in L1 and still add the blocks in order (bit-exact). The operands are packed by Go
// (gemmq.go in ../kernels), per block b:
//
//	pw: 32 float32 row scales, then for k-group g = 0..7 the 32 rows' four
//	    unsigned bytes u = w+off (Q8: off 128, Q4: nibble, off 8), 1152 bytes
//	px: for g = 0..7, for t = 0..5, the token's four int8 activations, 192 bytes
//	xd: 6 float32 activation scales;  xc: 6 int32 -off·Σx of the block
//
// Lanes are rows, so each block ends with one exact int32 per (row, token);
// the float step is acc += float32(isum) * (dw*dx), bit-exact with
// rowsQ8Generic / rowsQ4Generic. Register map: ia[t][h] int32 block sums
// and fa[t][h] float accumulators of token t, rows 16h..16h+15.
//
// gemmQ32x4VNNI and gemmQ32x2VNNI are the same over the first 4 or 2
// tokens of the same 6-token layout: the last tile of a product whose
// token count is not a multiple of 6 (8 sequences decoded together: 6 + 2).
//
// gemmQ8X32x{6,4,2}VNNI and gemmQ4X32x{6,4,2}VNNI read pw straight from an
// X32 panel (tensor.X32Layout; per block fp16 scales, then the quant
// groups) instead of a packed one: per k-group they flip the Q8_0 sign bits
// or split the Q4_0 nibbles as packQ32X would and convert the scales, and
// with flags bit 1 (prefetch: Go sets it on the first tile over a chunk)
// prefetch the panel's stream. For a few tokens (batched decoding) that beats packing the
// panel in a separate pass, which waited on DRAM with nothing to overlap
// it: 8 sequences at Q4_0, 208-231 -> 252-272 tok/s on one thread, 320-370
// -> 420-494 on two; with the prefetch in the first tile only, 376-387 ->
// 393-425 on two; Q8_0, 159-162 -> 174-187 on one thread, 273-332 (mean
// 292) -> 297-309 (302) on two. The flag lets a 2- or 4-token product
// (2-5 sequences) be the first tile and prefetch too.
func gemmQKernels() {
	for _, src := range []panelSource{packed, x32Q8, x32Q4} {
		for _, T := range []int{6, 4, 2} {
			gemmQKernel(T, src)
		}
	}
}

// panelSource is the layout a tile kernel reads its weights in.
type panelSource int

const (
	packed panelSource = iota // packQ32's: float32 scales, unsigned bytes
	x32Q8                     // a Q8_0X32 panel
	x32Q4                     // a Q4_0X32 panel
)

func gemmQKernel(T int, src panelSource) {
	const H = 2
	name := fmt.Sprintf("gemmQ32x%dVNNI", T)
	blk := 1152 // bytes per block of pw
	switch src {
	case x32Q8:
		name, blk = fmt.Sprintf("gemmQ8X32x%dVNNI", T), 32*34
	case x32Q4:
		name, blk = fmt.Sprintf("gemmQ4X32x%dVNNI", T), 32*18
	}
	TEXT(name, NOSPLIT, "func(y []float32, ystride int, pw []byte, px []byte, xd []float32, xc []int32, nb int, flags int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a 32-row × %d-token tile of a quantized matrix product (see gemmq.go).", name, T))
	wp := Load(Param("pw").Base(), GP64())
	xp := Load(Param("px").Base(), GP64())
	dp := Load(Param("xd").Base(), GP64())
	cp := Load(Param("xc").Base(), GP64())
	nb := Load(Param("nb"), GP64())
	fa, ia := make([][H]VecVirtual, T), make([][H]VecVirtual, T)
	yp := Load(Param("y").Base(), GP64())
	ys := Load(Param("ystride"), GP64())
	SHLQ(U8(2), ys)
	y3 := GP64()
	LEAQ(Mem{Base: ys, Index: ys, Scale: 2}, y3)
	ADDQ(yp, y3)
	ytok := func(t int) Mem {
		return []Mem{{Base: yp}, {Base: yp, Index: ys, Scale: 1}, {Base: yp, Index: ys, Scale: 2},
			{Base: y3}, {Base: y3, Index: ys, Scale: 1}, {Base: y3, Index: ys, Scale: 2}}[t]
	}
	for t := range fa {
		for h := range fa[t] {
			fa[t][h] = ZMM()
			VXORPS(fa[t][h], fa[t][h], fa[t][h])
		}
	}
	flags := Load(Param("flags"), GP64())
	TESTQ(U32(1), flags)
	JZ(LabelRef(name + "_start"))
	for t := range fa {
		for h := range fa[t] {
			VMOVUPS(ytok(t).Offset(64*h), fa[t][h])
		}
	}
	Label(name + "_start")
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_store"))
	var m VecVirtual // x32Q8: the sign bits; x32Q4: the nibble mask
	switch src {
	case x32Q8:
		m = ZMM()
		VPBROADCASTD(bcastConst(0x80808080).AsX(), m)
	case x32Q4:
		m = ZMM()
		VPBROADCASTD(bcastConst(0x0f0f0f0f).AsX(), m)
	}

	Label(name + "_block")
	if src != packed {
		// The panel is read here from DRAM, a linear stream: prefetch it
		// xLead ahead as the matrix × vector kernels do. Only the first
		// tile over a chunk of blocks does; a later tile finds the lines
		// cached.
		TESTQ(U32(2), flags)
		JZ(LabelRef(name + "_sums"))
		for off := 0; off < blk; off += 64 {
			PREFETCHT1(Mem{Base: wp}.Offset(xLead + off))
		}
		Label(name + "_sums")
	}
	Comment("int32 sums start at -off·Σx")
	for t := range ia {
		for h := range ia[t] {
			ia[t][h] = ZMM()
			VPBROADCASTD(Mem{Base: cp}.Offset(4*t), ia[t][h])
		}
	}
	for g := 0; g < 8; g++ {
		var w [H]VecVirtual
		for h := range w {
			w[h] = ZMM()
			switch src {
			case packed:
				VMOVDQU32(Mem{Base: wp}.Offset(128+128*g+64*h), w[h])
			case x32Q8:
				VMOVDQU32(Mem{Base: wp}.Offset(64+128*g+64*h), w[h])
				VPXORD(m, w[h], w[h])
			case x32Q4: // groups 0-3: low nibbles of quant groups 0-3; 4-7: high
				VMOVDQU32(Mem{Base: wp}.Offset(64+128*(g%4)+64*h), w[h])
				if g >= 4 {
					VPSRLW(U8(4), w[h], w[h])
				}
				VPANDD(m, w[h], w[h])
			}
		}
		for t := 0; t < T; t++ {
			for h := range w {
				vpdpbusd(Mem{Base: xp}.Offset(24*g+4*t), w[h], ia[t][h], true)
			}
		}
	}
	Comment("acc += float32(isum) * (dw*dx)")
	var dw [H]VecVirtual
	for h := range dw {
		dw[h] = ZMM()
		if src == packed {
			VMOVUPS(Mem{Base: wp}.Offset(64*h), dw[h])
		} else {
			VCVTPH2PS(Mem{Base: wp}.Offset(32*h), dw[h])
		}
	}
	for t := 0; t < T; t++ {
		for h := range dw {
			s := ZMM()
			VMULPS_BCST(Mem{Base: dp}.Offset(4*t), dw[h], s)
			VCVTDQ2PS(ia[t][h], ia[t][h])
			VMULPS(s, ia[t][h], ia[t][h])
			VADDPS(ia[t][h], fa[t][h], fa[t][h])
		}
	}
	ADDQ(U32(blk), wp)
	ADDQ(U32(192), xp)
	ADDQ(U32(24), dp)
	ADDQ(U32(24), cp)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	Label(name + "_store")
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			VMOVUPS(fa[t][h], ytok(t).Offset(64*h))
		}
	}
	VZEROUPPER()
	RET()
}
