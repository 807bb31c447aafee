package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Float row kernels (matrix × vector for one decoder token):
//
//	func rowsF32AVX512(y []float32, w []float32, x []float32)
//	func rowsF16AVX512(y []float32, w []uint16, x []float32)   // and BF16, and AVX2
//
// y[r] = Σ_i w[r*len(x)+i]·x[i] over i < len(x) rounded down to a multiple
// of 2·lanes, for r < len(y) rounded down to 4; Go adds the element tails
// and the last rows. Twins: rowsF32Generic, rowsF16Generic, rowsBF16Generic
// (float: bounded error). Register map: four rows from base p with stride
// s (bytes), s3 = 3s; acc[r][u], two chains per row.
func rowsFKernels() {
	rowsF32x4()
	for _, typ := range []string{"F32", "F16", "BF16"} {
		rowsF("rows"+typ+"AVX512", typ, ZMM, 16)
		rowsF("rows"+typ+"AVX2", typ, YMM, 8)
	}
}

func rowsF(name, typ string, vec func() VecVirtual, lanes int) {
	wt, es := "[]float32", 4
	if typ != "F32" {
		wt, es = "[]uint16", 2
	}
	TEXT(name, NOSPLIT, "func(y []float32, w "+wt+", x []float32)")
	Pragma("noescape")
	Doc(name + " computes four rows at a time of a float matrix-vector product (see rowsf.go).")
	yp := Load(Param("y").Base(), GP64())
	ng := Load(Param("y").Len(), GP64())
	SHRQ(U8(2), ng)
	JZ(LabelRef(name + "_done"))
	k := Load(Param("x").Len(), GP64())
	s := GP64()
	MOVQ(k, s)
	SHLQ(U8(log2(es)), s)
	s3 := GP64()
	LEAQ(Mem{Base: s, Index: s, Scale: 2}, s3)
	steps := GP64()
	MOVQ(k, steps)
	SHRQ(U8(log2(2*lanes)), steps)
	wp := Load(Param("w").Base(), GP64())

	Label(name + "_group")
	p := GP64()
	MOVQ(wp, p)
	xp := Load(Param("x").Base(), GP64())
	n := GP64()
	MOVQ(steps, n)
	acc := make([][2]VecVirtual, 4)
	for r := range acc {
		for u := range acc[r] {
			acc[r][u] = vec()
			VXORPS(acc[r][u], acc[r][u], acc[r][u])
		}
	}
	TESTQ(n, n)
	JZ(LabelRef(name + "_reduce"))
	Label(name + "_loop")
	for u := 0; u < 2; u++ {
		xv := vec()
		VMOVUPS(Mem{Base: xp}.Offset(4*lanes*u), xv)
		for r := 0; r < 4; r++ {
			m := strided4(p, s, s3)[r]
			m = m.Offset(es * lanes * u)
			switch typ {
			case "F32":
				VFMADD231PS(m, xv, acc[r][u])
			case "F16":
				wv := vec()
				VCVTPH2PS(m, wv)
				VFMADD231PS(wv, xv, acc[r][u])
			case "BF16":
				wv := vec()
				VPMOVZXWD(m, wv)
				VPSLLD(U8(16), wv, wv)
				VFMADD231PS(wv, xv, acc[r][u])
			}
		}
	}
	ADDQ(U32(4*2*lanes), xp)
	ADDQ(U32(es*2*lanes), p)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_reduce")
	for r := 0; r < 4; r++ {
		VADDPS(acc[r][1], acc[r][0], acc[r][0])
		x := reduceFloat(acc[r][0], lanes)
		VMOVSS(x, Mem{Base: yp}.Offset(4*r))
	}
	ADDQ(U32(16), yp)
	LEAQ(Mem{Base: wp, Index: s, Scale: 4}, wp)
	DECQ(ng)
	JNZ(LabelRef(name + "_group"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// strided4 addresses base + i·s for i < 4 (s3 holds 3s).
func strided4(base, s, s3 Register) [4]Mem {
	return [4]Mem{{Base: base}, {Base: base, Index: s, Scale: 1}, {Base: base, Index: s, Scale: 2}, {Base: base, Index: s3, Scale: 1}}
}

// rowsF32x4AVX512 is the float row kernel for four tokens at once:
//
//	func rowsF32x4AVX512(y []float32, ystride int, w []float32, x []float32, k int, rows int)
//
// y[t*ystride+r] = Σ_i w[r*k+i]·x[t*k+i] for t < 4, r < rows rounded down
// to 2, i < k rounded down to 16; Go adds the tails (rowsF32x4 in
// ../kernels/rowsf_amd64.go). Two rows a pass against the four tokens'
// vectors held in registers: each weight vector is loaded once for four
// FMAs, where four one-token passes loaded it four times and, over a long
// input's cross cache, reread it from DRAM or L2 each time. The rows two
// pairs ahead are prefetched at the same column (the hardware streamer
// does not cross from row to row of 64 KiB).
func rowsF32x4() {
	name := "rowsF32x4AVX512"
	TEXT(name, NOSPLIT, "func(y []float32, ystride int, w []float32, x []float32, k int, rows int)")
	Pragma("noescape")
	Doc(name + " computes two rows at a time of a float matrix product with four tokens (see rowsf.go).")
	yp := Load(Param("y").Base(), GP64())
	ys := Load(Param("ystride"), GP64())
	SHLQ(U8(2), ys)
	ys3 := GP64()
	LEAQ(Mem{Base: ys, Index: ys, Scale: 2}, ys3)
	ng := Load(Param("rows"), GP64())
	SHRQ(U8(1), ng)
	JZ(LabelRef(name + "_done"))
	k := Load(Param("k"), GP64())
	s := GP64() // bytes per row or token
	MOVQ(k, s)
	SHLQ(U8(2), s)
	s3 := GP64()
	LEAQ(Mem{Base: s, Index: s, Scale: 2}, s3)
	steps := GP64()
	MOVQ(k, steps)
	SHRQ(U8(4), steps)
	wp := Load(Param("w").Base(), GP64())

	Label(name + "_pair")
	p, q := GP64(), GP64()
	MOVQ(wp, p)
	LEAQ(Mem{Base: wp, Index: s, Scale: 4}, q) // two pairs ahead: prefetched as p goes
	xp := Load(Param("x").Base(), GP64())
	n := GP64()
	MOVQ(steps, n)
	var acc [2][4]VecVirtual
	for r := range acc {
		for t := range acc[r] {
			acc[r][t] = ZMM()
			VXORPS(acc[r][t], acc[r][t], acc[r][t])
		}
	}
	TESTQ(n, n)
	JZ(LabelRef(name + "_reduce"))
	Label(name + "_loop")
	var xv [4]VecVirtual
	for t := range xv {
		xv[t] = ZMM()
		VMOVUPS(strided4(xp, s, s3)[t], xv[t])
	}
	for r := 0; r < 2; r++ {
		wv := ZMM()
		VMOVUPS(strided4(p, s, s3)[r], wv)
		for t := range xv {
			VFMADD231PS(wv, xv[t], acc[r][t])
		}
	}
	PREFETCHT0(Mem{Base: q})
	PREFETCHT0(Mem{Base: q, Index: s, Scale: 1})
	ADDQ(U32(64), xp)
	ADDQ(U32(64), p)
	ADDQ(U32(64), q)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_reduce")
	for r := 0; r < 2; r++ {
		for t := 0; t < 4; t++ {
			v := reduceFloat(acc[r][t], 16)
			m := strided4(yp, ys, ys3)[t]
			VMOVSS(v, m.Offset(4*r))
		}
	}
	ADDQ(U32(8), yp)
	LEAQ(Mem{Base: wp, Index: s, Scale: 2}, wp)
	DECQ(ng)
	JNZ(LabelRef(name + "_pair"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
