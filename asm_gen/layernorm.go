package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// LayerNorm pieces (SigLIP), over len(x) rounded down to 4·lanes; Go adds
// the tails and forms mean and 1/sqrt(var+eps) (two passes, so no
// cancellation between E[x²] and E[x]²):
//
//	func sumAVX512(x []float32) float32                 // Σ x
//	func sqDevAVX512(x []float32, mean float32) float32 // Σ (x-mean)²
//	func lnApplyAVX512(dst, x, w, b []float32, mean, r float32) // ((x-mean)·r)·w + b
//
// Twin: layerNormGeneric (float64 sums; error bounded).
func layerNormKernels() {
	for _, t := range []struct {
		sfx   string
		vec   func() VecVirtual
		lanes int
	}{{"AVX512", ZMM, 16}, {"AVX2", YMM, 8}} {
		reduceKernel("sum"+t.sfx, false, t.vec, t.lanes)
		reduceKernel("sqDev"+t.sfx, true, t.vec, t.lanes)
		lnApply("lnApply"+t.sfx, t.vec, t.lanes)
	}
}

func reduceKernel(name string, dev bool, vec func() VecVirtual, lanes int) {
	sig := "func(x []float32) float32"
	if dev {
		sig = "func(x []float32, mean float32) float32"
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(name + " reduces whole vector steps of x (see layernorm.go).")
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	acc := make([]VecVirtual, 4)
	for i := range acc {
		acc[i] = vec()
		VXORPS(acc[i], acc[i], acc[i])
	}
	SHRQ(U8(log2(4*lanes)), n)
	JZ(LabelRef(name + "_reduce"))
	var m VecVirtual
	if dev {
		m = vec()
		VBROADCASTSS(NewParamAddr("mean", 24), m)
	}
	Label(name + "_loop")
	for i := range acc {
		if !dev {
			VADDPS(Mem{Base: xp}.Offset(4*lanes*i), acc[i], acc[i])
			continue
		}
		v := vec()
		VMOVUPS(Mem{Base: xp}.Offset(4*lanes*i), v)
		VSUBPS(m, v, v)
		VFMADD231PS(v, v, acc[i])
	}
	ADDQ(U32(16*lanes), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_reduce")
	Store(reduceFloat(foldTree(acc, VADDPS), lanes), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

func lnApply(name string, vec func() VecVirtual, lanes int) {
	TEXT(name, NOSPLIT, "func(dst, x, w, b []float32, mean, r float32)")
	Pragma("noescape")
	Doc(name + " sets dst = ((x-mean)·r)·w + b over whole vector steps (see layernorm.go).")
	dp := Load(Param("dst").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	wp := Load(Param("w").Base(), GP64())
	bp := Load(Param("b").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(log2(lanes)), n)
	JZ(LabelRef(name + "_done"))
	m, r := vec(), vec()
	VBROADCASTSS(NewParamAddr("mean", 96), m)
	VBROADCASTSS(NewParamAddr("r", 100), r)
	Label(name + "_loop")
	v := vec()
	VMOVUPS(Mem{Base: xp}, v)
	VSUBPS(m, v, v)
	VMULPS(r, v, v)
	VMULPS(Mem{Base: wp}, v, v)
	VADDPS(Mem{Base: bp}, v, v)
	VMOVUPS(v, Mem{Base: dp})
	for _, p := range []Register{dp, xp, wp, bp} {
		ADDQ(U32(4*lanes), p)
	}
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
