package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Element-wise kernels over whole vectors (Go finishes tails):
//
//	func axpyAVX512(y []float32, a float32, x []float32)     // y[i] += a*x[i]  (FMA)
//	func rmsApplyAVX512(dst, x, w []float32, r float32)      // dst[i] = (x[i]*r) * (1+w[i])
//
// over len(y) (len(dst)) rounded down to a multiple of 2·lanes. rmsApply is
// bit-exact with the generic loop (two products, one sum, same order);
// axpy rounds once per element (FMA) where Go rounds twice: bounded.
func elemKernels() {
	axpy("axpyAVX512", ZMM, 16)
	axpy("axpyAVX2", YMM, 8)
	rmsApply("rmsApplyAVX512", ZMM, 16)
	rmsApply("rmsApplyAVX2", YMM, 8)
}

func axpy(name string, vec func() VecVirtual, lanes int) {
	TEXT(name, NOSPLIT, "func(y []float32, a float32, x []float32)")
	Pragma("noescape")
	Doc(name + " sets y[i] += a*x[i] over whole vector steps (see elem.go).")
	yp := Load(Param("y").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("y").Len(), GP64())
	SHRQ(U8(log2(2*lanes)), n)
	JZ(LabelRef(name + "_done"))
	a := vec()
	VBROADCASTSS(NewParamAddr("a", 24), a)
	Label(name + "_loop")
	for u := 0; u < 2; u++ {
		v := vec()
		VMOVUPS(Mem{Base: yp}.Offset(4*lanes*u), v)
		VFMADD231PS(Mem{Base: xp}.Offset(4*lanes*u), a, v)
		VMOVUPS(v, Mem{Base: yp}.Offset(4*lanes*u))
	}
	ADDQ(U32(8*lanes), yp)
	ADDQ(U32(8*lanes), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

func rmsApply(name string, vec func() VecVirtual, lanes int) {
	TEXT(name, NOSPLIT, "func(dst, x, w []float32, r float32)")
	Pragma("noescape")
	Doc(name + " sets dst[i] = (x[i]*r) * (1+w[i]) over whole vector steps (see elem.go).")
	dp := Load(Param("dst").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	wp := Load(Param("w").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(log2(2*lanes)), n)
	JZ(LabelRef(name + "_done"))
	r, one := vec(), vec()
	VBROADCASTSS(NewParamAddr("r", 72), r)
	g := GP32()
	MOVL(U32(0x3f800000), g)
	VMOVD(g, one.AsX())
	VBROADCASTSS(one.AsX(), one)
	Label(name + "_loop")
	for u := 0; u < 2; u++ {
		v, w := vec(), vec()
		VMULPS(Mem{Base: xp}.Offset(4*lanes*u), r, v)
		VADDPS(Mem{Base: wp}.Offset(4*lanes*u), one, w)
		VMULPS(w, v, v)
		VMOVUPS(v, Mem{Base: dp}.Offset(4*lanes*u))
	}
	ADDQ(U32(8*lanes), dp)
	ADDQ(U32(8*lanes), xp)
	ADDQ(U32(8*lanes), wp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
