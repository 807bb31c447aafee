package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The two passes of Argmax (spec: argmaxRef in ../kernels/argmax.go):
//
//	func maxNumAVX512(x []float32, m float32) float32 // max(m, every non-NaN x[i])
//	func firstEqAVX512(x []float32, v float32) int     // first i with x[i] == v, or -1
//
// over len(x) rounded down to a multiple of 4·lanes (maxNum) or lanes
// (firstEq); Go finishes the tails. VMAXPS returns its second source when
// either is NaN, and the running maximum is that source, so NaNs are
// passed over.
func argmaxKernels() {
	maxNum("maxNumAVX512", ZMM, 16)
	maxNum("maxNumAVX2", YMM, 8)
	firstEq("firstEqAVX512", 16)
	firstEq("firstEqAVX2", 8)
}

func maxNum(name string, vec func() VecVirtual, lanes int) {
	TEXT(name, NOSPLIT, "func(x []float32, m float32) float32")
	Pragma("noescape")
	Doc(name + " returns the largest of m and the non-NaN x[i] over whole steps (see argmax.go).")
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	var acc [4]VecVirtual
	for i := range acc {
		acc[i] = vec()
		VBROADCASTSS(NewParamAddr("m", 24), acc[i])
	}
	SHRQ(U8(log2(4*lanes)), n)
	JZ(LabelRef(name + "_reduce"))
	Label(name + "_loop")
	for i := range acc {
		v := vec()
		VMOVUPS(Mem{Base: xp}.Offset(4*lanes*i), v)
		VMAXPS(acc[i], v, acc[i]) // v > acc ? v : acc
	}
	ADDQ(U32(16*lanes), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_reduce")
	x := reduceLanes(foldTree(acc[:], VMAXPS), lanes, VMAXPS, VMAXSS)
	Store(x, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

func firstEq(name string, lanes int) {
	TEXT(name, NOSPLIT, "func(x []float32, v float32) int")
	Pragma("noescape")
	Doc(name + " returns the first index i with x[i] == v over whole steps, or -1 (see argmax.go).")
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	i := GP64()
	XORQ(i, i)
	SHRQ(U8(log2(lanes)), n)
	JZ(LabelRef(name + "_none"))
	bits := GP32()
	if lanes == 16 {
		b := ZMM()
		VBROADCASTSS(NewParamAddr("v", 24), b)
		k := K()
		Label(name + "_loop")
		VCMPPS(U8(0), Mem{Base: xp, Index: i, Scale: 4}, b, k) // EQ_OQ
		KMOVW(k, bits)
		TESTL(bits, bits)
		JNZ(LabelRef(name + "_found"))
	} else {
		b, c := YMM(), YMM()
		VBROADCASTSS(NewParamAddr("v", 24), b)
		Label(name + "_loop")
		VCMPPS(U8(0), Mem{Base: xp, Index: i, Scale: 4}, b, c)
		VMOVMSKPS(c, bits)
		TESTL(bits, bits)
		JNZ(LabelRef(name + "_found"))
	}
	ADDQ(U8(lanes), i)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_none")
	MOVQ(I32(-1), i)
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
	Label(name + "_found")
	first := GP64()
	BSFL(bits, first.As32()) // bits != 0
	ADDQ(first, i)
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
