package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// dotKernels: func dotXXX(a, b []float32) float32 sums a[i]*b[i] over the
// first len(a) rounded down to a multiple of the step (32 for AVX2, 64 for
// AVX-512); Go adds the tail. Twin: dotGeneric (float, bounded error).
func dotKernels() {
	dot("dotAVX2", 4, YMM, 8)
	dot("dotAVX512", 4, ZMM, 16)
}

func dot(name string, unroll int, vec func() VecVirtual, lanes int) {
	TEXT(name, NOSPLIT, "func(a, b []float32) float32")
	Pragma("noescape")
	Doc(name + " returns Σ a[i]*b[i] over whole steps of the vector loop (see dotKernels).")
	a := Mem{Base: Load(Param("a").Base(), GP64())}
	b := Mem{Base: Load(Param("b").Base(), GP64())}
	n := Load(Param("a").Len(), GP64())
	step := unroll * lanes
	acc := make([]VecVirtual, unroll)
	for i := range acc {
		acc[i] = vec()
		VXORPS(acc[i], acc[i], acc[i])
	}
	SHRQ(U8(log2(step)), n)
	JZ(LabelRef(name + "_reduce"))
	Label(name + "_loop")
	for i := range acc {
		v := vec()
		VMOVUPS(a.Offset(4*lanes*i), v)
		VFMADD231PS(b.Offset(4*lanes*i), v, acc[i])
	}
	ADDQ(U32(4*step), a.Base)
	ADDQ(U32(4*step), b.Base)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_reduce")
	for i := 1; i < unroll; i++ {
		VADDPS(acc[i], acc[0], acc[0])
	}
	r := reduceFloat(acc[0], lanes)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// reduceFloat adds the lanes of v into the low lane of the returned XMM.
func reduceFloat(v VecVirtual, lanes int) VecVirtual { return reduceLanes(v, lanes, VADDPS, VADDSS) }

// foldTree combines acc (a power of two long) pairwise with op into
// acc[0]: for four, (0 op 1) op (2 op 3).
func foldTree(acc []VecVirtual, op func(...Op)) VecVirtual {
	for step := 1; step < len(acc); step *= 2 {
		for i := 0; i+step < len(acc); i += 2 * step {
			op(acc[i+step], acc[i], acc[i])
		}
	}
	return acc[0]
}

// reduceLanes folds the lanes of v into the low lane of the returned XMM
// with op (packed) and opSS (the last, scalar step): halves, then quarters.
func reduceLanes(v VecVirtual, lanes int, op, opSS func(...Op)) VecVirtual {
	if lanes == 16 {
		hi := YMM()
		VEXTRACTF32X8(U8(1), v, hi)
		op(hi, v.AsY(), hi)
		v = hi
		lanes = 8
	}
	x := v.AsX().(VecVirtual)
	if lanes == 8 {
		hi := XMM()
		VEXTRACTF128(U8(1), v, hi)
		op(hi, x, x)
	}
	t := XMM()
	VMOVHLPS(x, x, t)
	op(t, x, x)
	VMOVSHDUP(x, t)
	opSS(t, x, x)
	return x
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}
