package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// AMX instructions. Neither Go's assembler nor avo knows them, so they are
// emitted as bytes (VEX-encoded, Intel SDM vol. 2 "AMX"), each preceded by
// a comment with its mnemonic. Kernels using them name physical registers
// only, because avo's allocator cannot see what raw bytes read.

// gpNum is the encoding number of a 64-bit general register.
func gpNum(r reg.Register) int {
	for i, g := range []reg.Register{reg.RAX, reg.RCX, reg.RDX, reg.RBX, reg.RSP, reg.RBP, reg.RSI, reg.RDI,
		reg.R8, reg.R9, reg.R10, reg.R11, reg.R12, reg.R13, reg.R14, reg.R15} {
		if g == r {
			return i
		}
	}
	panic(fmt.Sprintf("amx: %v is not a 64-bit general register", r))
}

// vex3 returns the three VEX bytes for map 0F38, W0, L0: rx/xx/bx are the
// high bits of ModRM.reg, SIB.index and ModRM.rm/SIB.base, v the vvvv
// register number, pp 0 (none), 1 (66), 2 (F3) or 3 (F2).
func vex3(rx, xx, bx, v, pp int) []byte {
	b1 := byte(0x02) // map 0F38
	if rx == 0 {
		b1 |= 0x80
	}
	if xx == 0 {
		b1 |= 0x40
	}
	if bx == 0 {
		b1 |= 0x20
	}
	b2 := byte((^v&15)<<3) | byte(pp)
	return []byte{0xc4, b1, b2}
}

// rawBytes emits bs as BYTE directives after a comment.
func rawBytes(mnemonic string, bs []byte) {
	Comment(mnemonic)
	for _, b := range bs {
		Instruction(&ir.Instruction{Opcode: "BYTE", Operands: []Op{U8(b)}})
	}
}

// amxMem encodes the ModRM/SIB/displacement of [base + index*1 + disp] with
// register field r (0..7). base may not be RBP or R13 (their mod 00 form
// means no base); index may not be RSP.
func amxMem(r int, base, index reg.Register, disp int) []byte {
	b, x := gpNum(base), gpNum(index)
	if b&7 == 5 || x == 4 {
		panic("amx: unsupported base or index register")
	}
	mod := 0
	switch {
	case disp == 0:
	case disp >= -128 && disp < 128:
		mod = 1
	default:
		mod = 2
	}
	out := []byte{byte(mod<<6 | r<<3 | 4), byte((x&7)<<3 | b&7)}
	switch mod {
	case 1:
		out = append(out, byte(int8(disp)))
	case 2:
		out = append(out, byte(disp), byte(disp>>8), byte(disp>>16), byte(disp>>24))
	}
	return out
}

func sibVex(base, index reg.Register, pp int) []byte {
	return vex3(0, gpNum(index)>>3, gpNum(base)>>3, 0, pp)
}

// LDTILECFG [base]: VEX.128.NP.0F38.W0 49 /0.
func ldtilecfg(base reg.Register) {
	b := gpNum(base)
	if b&7 == 4 || b&7 == 5 {
		panic("amx: ldtilecfg base needs SIB or displacement")
	}
	rawBytes(fmt.Sprintf("LDTILECFG (%s)", base.Asm()), append(vex3(0, 0, b>>3, 0, 0), 0x49, byte(b&7)))
}

// TILERELEASE: VEX.128.NP.0F38.W0 49 C0.
func tilerelease() { rawBytes("TILERELEASE", []byte{0xc4, 0xe2, 0x78, 0x49, 0xc0}) }

// TILEZERO tmm: VEX.128.F2.0F38.W0 49 /r (mod 11).
func tilezero(t int) {
	rawBytes(fmt.Sprintf("TILEZERO TMM%d", t), append(vex3(0, 0, 0, 0, 3), 0x49, byte(0xc0|t<<3)))
}

// TILELOADD tmm, [base+index*1+disp]: VEX.128.F2.0F38.W0 4B /r; index is
// the row stride in bytes.
func tileloadd(t int, base, index reg.Register, disp int) {
	bs := append(append(sibVex(base, index, 3), 0x4b), amxMem(t, base, index, disp)...)
	rawBytes(fmt.Sprintf("TILELOADD TMM%d, %d(%s)(%s*1)", t, disp, base.Asm(), index.Asm()), bs)
}

// TILESTORED [base+index*1+disp], tmm: VEX.128.F3.0F38.W0 4B /r.
func tilestored(t int, base, index reg.Register, disp int) {
	bs := append(append(sibVex(base, index, 2), 0x4b), amxMem(t, base, index, disp)...)
	rawBytes(fmt.Sprintf("TILESTORED %d(%s)(%s*1), TMM%d", disp, base.Asm(), index.Asm(), t), bs)
}

// TDPBF16PS dst, a, b: dst[m][n] += Σ_k a[m][k]·b[k/2][2n+k%2] over
// bfloat16 pairs, in float32; VEX.128.F3.0F38.W0 5C /r.
func tdpbf16ps(dst, a, b int) {
	rawBytes(fmt.Sprintf("TDPBF16PS TMM%d, TMM%d, TMM%d", dst, a, b),
		append(vex3(0, 0, 0, b, 2), 0x5c, byte(0xc0|dst<<3|a)))
}

// gemmB32x32AMX: the bfloat16 matrix × matrix tile on AMX.
//
//	func gemmB32x32AMX(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps int, panels int, cfg *[64]byte)
//
// For each of panels A panels p (32 rows each, astride elements apart, the
// next panel 32 rows further), c[(32p+i)*cstride+j] = Σ_k a[i][k]·B[k][j]
// for i, j < 32 and k < 32·ksteps, summed in float32 by the tile unit. a
// is row-major bfloat16; b holds B in the tile unit's pair layout, per
// k-step 2 KiB: for columns 0-15 then 16-31, 16 rows p of 16 pairs
// (B[2p][j], B[2p+1][j]). Spec: gemmBGeneric in ../kernels/gemmb_amx.go.
func gemmBAMXKernel() {
	name := "gemmB32x32AMX"
	TEXT(name, NOSPLIT, "func(c []float32, cstride int, a []uint16, astride int, b []uint16, ksteps int, panels int, cfg *[64]byte)")
	Pragma("noescape")
	Doc(name + " computes 32×32 tiles of a bfloat16 matrix product on AMX (see gemmb_amx.go).")
	// k runs in blocks of bKB steps, each over every panel: the block's
	// slice of B (bKB·2 KiB) stays in L2 (mostly L1) while the panels' A
	// slices stream past, and the partial sums go through c between blocks
	// (four tile loads and four stores). At 8 steps that round trip was a
	// quarter of the block's tile traffic, and the unit is bound by its
	// tile loads: 32 steps, interleaved A/B in one process (4096 patches,
	// one thread / two): So400m fc2 (k 4304) +22% / +24%, fc1 +7% / +3%,
	// qkv and attention within ±2% and -2% / +8%.
	const bKB = 32
	c0, cp, cs := reg.RDI, reg.R15, reg.R8
	ab, a0, a1, as := reg.RSI, reg.R9, reg.R14, reg.R10
	b0, bp, left, kk, np, b64, tmp := reg.R11, reg.R12, reg.RCX, reg.RDX, reg.RBX, reg.R13, reg.RAX
	Load(Param("cfg"), tmp)
	ldtilecfg(tmp)
	Load(Param("c").Base(), c0)
	Load(Param("cstride"), cs)
	SHLQ(U8(2), cs)
	Load(Param("a").Base(), ab)
	Load(Param("astride"), as)
	SHLQ(U8(1), as)
	Load(Param("b").Base(), b0)
	Load(Param("ksteps"), left)
	MOVQ(U32(64), b64)
	TESTQ(left, left)
	JZ(LabelRef(name + "_done"))
	Load(Param("panels"), np)
	TESTQ(np, np)
	JZ(LabelRef(name + "_done"))
	XORQ(tmp, tmp) // tmp = 0 on the first k-block: start from zero
	Comment("per k-block")
	Label(name + "_kblock")
	MOVQ(c0, cp)
	MOVQ(ab, a0)
	Load(Param("panels"), np)
	Label(name + "_panel")
	MOVQ(as, a1)
	SHLQ(U8(4), a1)
	ADDQ(a0, a1)
	TESTQ(tmp, tmp)
	JNZ(LabelRef(name + "_load"))
	for t := 4; t < 8; t++ {
		tilezero(t)
	}
	JMP(LabelRef(name + "_go"))
	Label(name + "_load")
	moveC := func(store bool) { // c ↔ the accumulator tiles
		// rows 16-31 of c through kk (the step counter is set after)
		MOVQ(cs, kk)
		SHLQ(U8(4), kk)
		ADDQ(cp, kk)
		if store {
			tilestored(4, cp, cs, 0)
			tilestored(5, cp, cs, 64)
			tilestored(6, kk, cs, 0)
			tilestored(7, kk, cs, 64)
		} else {
			tileloadd(4, cp, cs, 0)
			tileloadd(5, cp, cs, 64)
			tileloadd(6, kk, cs, 0)
			tileloadd(7, kk, cs, 64)
		}
	}
	moveC(false)
	Label(name + "_go")
	MOVQ(b0, bp)
	MOVQ(U32(bKB), kk)
	CMPQ(left, kk)
	CMOVQLT(left, kk)
	// Each operand tile is reloaded for the next step as soon as the
	// step's last product reading it has issued, so the loads overlap
	// the remaining products (the tile unit does not rename tiles).
	tileloadd(0, a0, as, 0)
	tileloadd(1, a1, as, 0)
	tileloadd(2, bp, b64, 0)
	tileloadd(3, bp, b64, 1024)
	next := func() {
		ADDQ(U8(64), a0)
		ADDQ(U8(64), a1)
		ADDQ(U32(2048), bp)
	}
	DECQ(kk)
	JZ(LabelRef(name + "_klast"))
	Label(name + "_k")
	next()
	tdpbf16ps(4, 0, 2)
	tdpbf16ps(5, 0, 3)
	tileloadd(0, a0, as, 0)
	tdpbf16ps(6, 1, 2)
	tileloadd(2, bp, b64, 0)
	tdpbf16ps(7, 1, 3)
	tileloadd(1, a1, as, 0)
	tileloadd(3, bp, b64, 1024)
	DECQ(kk)
	JNZ(LabelRef(name + "_k"))
	Label(name + "_klast")
	tdpbf16ps(4, 0, 2)
	tdpbf16ps(5, 0, 3)
	tdpbf16ps(6, 1, 2)
	tdpbf16ps(7, 1, 3)
	next()
	moveC(true)
	Comment("next panel: 32 rows down in a (back to the block's first k) and c")
	MOVQ(bp, kk)
	SUBQ(b0, kk)    // steps·2048 bytes of B this block read
	SHRQ(U8(5), kk) // steps·64: how far a0 moved
	SUBQ(kk, a0)
	MOVQ(as, kk)
	SHLQ(U8(5), kk)
	ADDQ(kk, a0)
	MOVQ(cs, kk)
	SHLQ(U8(5), kk)
	ADDQ(kk, cp)
	DECQ(np)
	JNZ(LabelRef(name + "_panel"))
	Comment("next k-block")
	MOVQ(bp, kk)
	SUBQ(b0, kk)
	MOVQ(bp, b0)
	SHRQ(U8(5), kk)
	ADDQ(kk, ab)
	SHRQ(U8(6), kk) // steps
	SUBQ(kk, left)
	MOVQ(U32(1), tmp)
	TESTQ(left, left)
	JNZ(LabelRef(name + "_kblock"))

	Label(name + "_done")
	tilerelease()
	RET()
}

// amxPeakBF16: n rounds of four independent TDPBF16PS on 16×32 tiles (the
// tiles hold whatever they hold: only the time matters), the tile unit's
// peak for BenchmarkAMXPeak (4·16·16·32 multiply-adds per round).
//
//	func amxPeakBF16(n int, cfg *[64]byte)
func amxPeakKernel() {
	name := "amxPeakBF16"
	TEXT(name, NOSPLIT, "func(n int, cfg *[64]byte)")
	Pragma("noescape")
	Doc(name + " runs n rounds of four TDPBF16PS (the AMX bfloat16 peak probe).")
	Load(Param("cfg"), reg.RAX)
	ldtilecfg(reg.RAX)
	Load(Param("n"), reg.RCX)
	TESTQ(reg.RCX, reg.RCX)
	JZ(LabelRef(name + "_done"))
	for t := 0; t < 8; t++ {
		tilezero(t)
	}
	Label(name + "_loop")
	tdpbf16ps(4, 0, 2)
	tdpbf16ps(5, 0, 3)
	tdpbf16ps(6, 1, 2)
	tdpbf16ps(7, 1, 3)
	DECQ(reg.RCX)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	tilerelease()
	RET()
}
