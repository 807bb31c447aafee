package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Float matrix × matrix tiles (FMA, register-blocked):
//
//	func gemmF32x12AVX512(y []float32, ystride int, pw []float32, px []float32, k int)
//	func gemmF16x6AVX2(...)  // same signature
//
// compute R rows × T tokens: y[t*ystride+r] = Σ_i px[i*T+t]·pw[i*R+r]
// for r < R (32 or 16), t < T (12 or 6). pw is a weight panel and px a
// token tile, both packed transposed (pw by Go or packF32x32; lanes are
// rows, and packing the tokens keeps their broadcasts in one stream rather
// than T rows whose power-of-two strides alias in L1). Twin:
// rowsF32Generic etc. (float; error bounded, not bit-exact). Register map:
// acc[t][h] holds token t, rows 16h.. (8h.. for AVX2).
//
// The Acc variants add to y instead of overwriting it (the product is
// split along k into chunks whose panel slice stays in L1).
func gemmFKernels() {
	gemmF("gemmF32x12AVX512", 12, 2, ZMM, 16, true, false)
	gemmF("gemmF16x6AVX2", 6, 2, YMM, 8, false, false)
	gemmF("gemmFAcc32x12AVX512", 12, 2, ZMM, 16, true, true)
	gemmF("gemmFAcc16x6AVX2", 6, 2, YMM, 8, false, true)
}

func gemmF(name string, T, H int, vec func() VecVirtual, lanes int, evex, accumulate bool) {
	R := H * lanes
	TEXT(name, NOSPLIT, "func(y []float32, ystride int, pw []float32, px []float32, k int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a %d-row × %d-token tile of a float matrix product (see gemmf.go).", name, R, T))
	wp := Load(Param("pw").Base(), GP64())
	xp := Load(Param("px").Base(), GP64())
	n := Load(Param("k"), GP64())
	acc := make([][]VecVirtual, T)
	var yp, ys GPVirtual
	if accumulate {
		yp, ys = Load(Param("y").Base(), GP64()).(GPVirtual), Load(Param("ystride"), GP64()).(GPVirtual)
		SHLQ(U8(2), ys)
	}
	for t := range acc {
		acc[t] = make([]VecVirtual, H)
		for h := range acc[t] {
			acc[t][h] = vec()
			if accumulate {
				VMOVUPS(Mem{Base: yp}.Offset(4*lanes*h), acc[t][h])
			} else {
				VXORPS(acc[t][h], acc[t][h], acc[t][h])
			}
		}
		if accumulate {
			ADDQ(ys, yp)
		}
	}
	TESTQ(n, n)
	JZ(LabelRef(name + "_store"))
	Label(name + "_loop")
	w := make([]VecVirtual, H)
	for h := range w {
		w[h] = vec()
		VMOVUPS(Mem{Base: wp}.Offset(4*lanes*h), w[h])
	}
	for t := 0; t < T; t++ {
		if evex {
			for h := range w {
				VFMADD231PS_BCST(Mem{Base: xp}.Offset(4*t), w[h], acc[t][h])
			}
			continue
		}
		b := vec()
		VBROADCASTSS(Mem{Base: xp}.Offset(4*t), b)
		for h := range w {
			VFMADD231PS(b, w[h], acc[t][h])
		}
	}
	ADDQ(U32(4*R), wp)
	ADDQ(U32(4*T), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_store")
	yp, ys = Load(Param("y").Base(), GP64()).(GPVirtual), Load(Param("ystride"), GP64()).(GPVirtual)
	SHLQ(U8(2), ys)
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			VMOVUPS(acc[t][h], Mem{Base: yp}.Offset(4*lanes*h))
		}
		ADDQ(ys, yp)
	}
	VZEROUPPER()
	RET()
}

// packF32x32{F32,F16,BF16}AVX512: twins of packF in ../kernels:
//
//	func packF32x32F16AVX512(dst []float32, w []byte, rb int, k int)
//
// 32 weight rows (rb bytes apart, k elements of f32, f16 or bf16) become
// the transposed panel dst[i*32+r] = float32(W[r][i]): per element i, one
// VPGATHERDD per 16 rows, converted to float32.
func packFKernels() {
	for _, typ := range []string{"F32", "F16", "BF16"} {
		packF(typ)
	}
}

func packF(typ string) {
	name := "packF32x32" + typ + "AVX512"
	TEXT(name, NOSPLIT, "func(dst []float32, w []byte, rb int, k int)")
	Pragma("noescape")
	Doc(name + " packs 32 weight rows transposed into a float32 panel (see gemmf.go).")
	dp := Load(Param("dst").Base(), GP64())
	w0 := Load(Param("w").Base(), GP64())
	rb := Load(Param("rb"), GP64()).(GPVirtual)
	n := Load(Param("k"), GP64())
	w16 := GP64()
	MOVQ(rb, w16)
	SHLQ(U8(4), w16)
	ADDQ(w0, w16)
	idx := ZMM()
	VPBROADCASTD(rb.As32(), idx)
	VPMULLD(iota32, idx, idx)
	all := K()
	KXNORW(all, all, all)
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	for h, base := range []Register{w0, w16} {
		k := K()
		KMOVW(all, k)
		v := ZMM()
		VPGATHERDD(Mem{Base: base, Index: idx, Scale: 1}, k, v)
		switch typ {
		case "F16":
			hv := YMM()
			VPMOVDW(v, hv)
			VCVTPH2PS(hv, v)
		case "BF16":
			VPSLLD(U8(16), v, v)
		}
		VMOVUPS(v, Mem{Base: dp}.Offset(64*h))
	}
	step := 4
	if typ != "F32" {
		step = 2
	}
	ADDQ(U32(step), w0)
	ADDQ(U32(step), w16)
	ADDQ(U32(128), dp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// Column softmax for dense attention (twin: colSoftmaxGeneric in
// ../kernels/gemmf_attn.go):
//
//	func colSoftmax32AVX512(s []float32, rows int, sum []float32)
//	func colSoftmax16AVX2(s []float32, rows int, sum []float32)
//
// s holds rows >= 1 rows of W (32 or 16) scores, one column per query
// (the score tile kernel writes them key-major). Per column c: m = max over
// the rows, s[i*W+c] = exp(s[i*W+c]-m) (exps), sum[c] = Σ of them. The
// Go wrapper checks len(s) >= rows*W and len(sum) >= W.
func colSoftmaxKernels() {
	colSoftmax("colSoftmax32AVX512", 2, ZMM, 16, true)
	colSoftmax("colSoftmax16AVX2", 2, YMM, 8, false)
}

func colSoftmax(name string, H int, vec func() VecVirtual, lanes int, evex bool) {
	W := H * lanes
	TEXT(name, NOSPLIT, "func(s []float32, rows int, sum []float32)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s applies a softmax down each of the %d columns of s (see gemmf.go).", name, W))
	sp := Load(Param("s").Base(), GP64())
	rows := Load(Param("rows"), GP64())
	Comment("max over the rows")
	p, n := GP64(), GP64()
	MOVQ(sp, p)
	MOVQ(rows, n)
	m := make([]VecVirtual, H)
	for h := range m {
		m[h] = vec()
		VMOVUPS(Mem{Base: p}.Offset(4*lanes*h), m[h])
	}
	ADDQ(U32(4*W), p)
	DECQ(n)
	JZ(LabelRef(name + "_exp"))
	Label(name + "_max")
	for h := range m {
		VMAXPS(Mem{Base: p}.Offset(4*lanes*h), m[h], m[h])
	}
	ADDQ(U32(4*W), p)
	DECQ(n)
	JNZ(LabelRef(name + "_max"))
	Label(name + "_exp")
	Comment("s = exp(s - m), summed per column")
	sum := make([]VecVirtual, H)
	for h := range sum {
		sum[h] = vec()
		VXORPS(sum[h], sum[h], sum[h])
	}
	// two rows a step on AVX-512, their exps side by side (expVecs)
	byGroups(name, rows, 2, evex, func(c int) {
		colExps(sp, m, sum, c, lanes, vec, evex)
		ADDQ(U32(4*W*c), sp)
	})
	dp := Load(Param("sum").Base(), GP64())
	for h := range sum {
		VMOVUPS(sum[h], Mem{Base: dp}.Offset(4*lanes*h))
	}
	VZEROUPPER()
	RET()
}

// colExps replaces nr rows of scores at sp (len(m) vectors each) by
// exp(s - m) and adds them to sum, rows in order.
func colExps(sp Register, m, sum []VecVirtual, nr, lanes int, vec func() VecVirtual, evex bool) {
	W := len(m) * lanes
	var xs []VecVirtual
	for r := range nr {
		for h := range m {
			x := vec()
			VMOVUPS(Mem{Base: sp}.Offset(4*W*r+4*lanes*h), x)
			VSUBPS(m[h], x, x)
			xs = append(xs, x)
		}
	}
	exps(xs, vec, evex)
	for r := range nr {
		for h := range m {
			x := xs[r*len(m)+h]
			VMOVUPS(x, Mem{Base: sp}.Offset(4*W*r+4*lanes*h))
			VADDPS(x, sum[h], sum[h])
		}
	}
}
