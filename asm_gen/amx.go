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

// TDPBSSD dst, a, b: dst[m][n] += Σ_k a[m][k]·b[k/4][4n+k%4] over signed
// bytes; VEX.128.F2.0F38.W0 5E /r with ModRM.reg dst, rm a, vvvv b.
func tdpbssd(dst, a, b int) {
	rawBytes(fmt.Sprintf("TDPBSSD TMM%d, TMM%d, TMM%d", dst, a, b),
		append(vex3(0, 0, 0, b, 3), 0x5e, byte(0xc0|dst<<3|a)))
}

// gemmQ32x32AMX: the quantized matrix × matrix tile on AMX.
//
//	func gemmQ32x32AMX(y []float32, ystride int, pw []byte, xq []int8, xstride int, xd []float32, xdstride int, nb int, cfg *[64]byte, ct []int32)
//
// y[t*ystride+r] += Σ_b float32(isum(t,r,b))·(dw[r,b]·dx[t,b]) for 32 tokens
// t and 32 rows r, in block order, so it is bit-exact with rowsQ8Generic /
// rowsQ4Generic when y starts at zero. Operands, per block b:
//
//	pw: packQ32's panel with signed bytes (packQ32S): 32 float32 row scales,
//	    then for k-group g the 32 rows' four bytes (1152 bytes per block)
//	xq: token t's 32 int8 activations at xq[t*xstride + 32b]
//	xd: token t's scale at xd[t*xdstride + b]
//
// Tiles (cfg, set by Go): A0/A1 tokens 0-15/16-31 × 32 bytes, B0/B1 rows
// 0-15/16-31 as 8 k-groups × 64 bytes, C[i][h] 16 tokens × 16 int32 rows.
// Each block's four C tiles are stored to ct (2 × 4 KiB) and turned into floats
// with AVX-512: per token, s = dw·dx, y += float(C)·s.
func gemmQAMXKernel() {
	name := "gemmQ32x32AMX"
	TEXT(name, NOSPLIT, "func(y []float32, ystride int, pw []byte, xq []int8, xstride int, xd []float32, xdstride int, nb int, cfg *[64]byte, ct []int32)")
	Pragma("noescape")
	Doc(name + " computes a 32-token × 32-row tile of a quantized matrix product on AMX (see gemmq_amx.go).")
	y, ys, pw := reg.RDI, reg.R8, reg.RSI
	xq0, xq1, xs := reg.R9, reg.R14, reg.R10
	xd, xds, nb := reg.R11, reg.R12, reg.RCX
	ct, b64, b128 := reg.RBX, reg.R13, reg.RDX
	yp, dp, zp := reg.R15, reg.RAX, reg.RAX // zp in the tile code, dp in the scaling code
	Load(Param("cfg"), reg.RAX)
	ldtilecfg(reg.RAX)
	Load(Param("y").Base(), y)
	Load(Param("ystride"), ys)
	SHLQ(U8(2), ys)
	Load(Param("pw").Base(), pw)
	Load(Param("xq").Base(), xq0)
	Load(Param("xstride"), xs)
	MOVQ(xs, xq1)
	SHLQ(U8(4), xq1)
	ADDQ(xq0, xq1)
	Load(Param("xd").Base(), xd)
	Load(Param("xdstride"), xds)
	SHLQ(U8(2), xds)
	Load(Param("nb"), nb)
	Load(Param("ct").Base(), ct)
	MOVQ(U32(64), b64)
	MOVQ(U32(128), b128)
	TESTQ(nb, nb)
	JZ(LabelRef(name + "_done"))

	// Software pipelined: the tile unit multiplies block b while the vector
	// units scale block b-1, stored in the other half of ct. Tile stores
	// hold back younger memory operations until their products are done,
	// so block b's stores come after block b-1's scaling.
	amxBlock := func() {
		Comment("accumulators start from zeros (a load: TILEZERO waits on the tile's last use)")
		LEAQ(zero1k, zp)
		for t := 4; t < 8; t++ {
			tileloadd(t, zp, b64, 0)
		}
		tileloadd(0, xq0, xs, 0)
		tileloadd(1, xq1, xs, 0)
		tileloadd(2, pw, b128, 128)
		tileloadd(3, pw, b128, 128+64)
		tdpbssd(4, 0, 2)
		tdpbssd(5, 1, 2)
		tdpbssd(6, 0, 3)
		tdpbssd(7, 1, 3)
	}
	store := func(half int) {
		for t := 4; t < 8; t++ {
			tilestored(t, ct, b64, 4096*half+1024*(t-4))
		}
	}
	// epilogue adds the block before pw/xd, stored in half of ct.
	epilogue := func(half int) {
		Comment("y += float(C)·(dw·dx), token by token, for the previous block")
		VMOVUPS(Mem{Base: pw}.Offset(-1152), reg.Z0)
		VMOVUPS(Mem{Base: pw}.Offset(-1152+64), reg.Z1)
		MOVQ(y, yp)
		MOVQ(xd, dp)
		for tok := 0; tok < 32; tok++ {
			i, t := tok/16, tok%16
			z := []reg.VecPhysical{reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6}
			if tok%2 == 1 {
				z = []reg.VecPhysical{reg.Z7, reg.Z8, reg.Z9, reg.Z10, reg.Z11}
			}
			c := 4096*half + 1024*i + 64*t
			VBROADCASTSS(Mem{Base: dp}.Offset(-4), z[0])
			VMULPS(reg.Z0, z[0], z[1])
			VMULPS(reg.Z1, z[0], z[2])
			VCVTDQ2PS(Mem{Base: ct}.Offset(c), z[3])
			VCVTDQ2PS(Mem{Base: ct}.Offset(c+2048), z[4])
			VMULPS(z[1], z[3], z[3])
			VMULPS(z[2], z[4], z[4])
			VADDPS(Mem{Base: yp}, z[3], z[3])
			VADDPS(Mem{Base: yp}.Offset(64), z[4], z[4])
			VMOVUPS(z[3], Mem{Base: yp})
			VMOVUPS(z[4], Mem{Base: yp}.Offset(64))
			ADDQ(ys, yp)
			ADDQ(xds, dp)
		}
	}
	advance := func() {
		ADDQ(U32(1152), pw)
		ADDQ(U8(32), xq0)
		ADDQ(U8(32), xq1)
		ADDQ(U8(4), xd)
	}

	amxBlock()
	store(0)
	advance()
	DECQ(nb)
	JZ(LabelRef(name + "_last0"))
	Label(name + "_block")
	amxBlock()
	epilogue(0)
	store(1)
	advance()
	DECQ(nb)
	JZ(LabelRef(name + "_last1"))
	amxBlock()
	epilogue(1)
	store(0)
	advance()
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_last0")
	epilogue(0)
	JMP(LabelRef(name + "_done"))
	Label(name + "_last1")
	epilogue(1)

	Label(name + "_done")
	tilerelease()
	VZEROUPPER()
	RET()
}
