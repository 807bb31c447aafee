package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// readSumKernels: func readSumXXX(p []byte) uint32 adds p's little-endian
// uint32 words (wrapping) over whole steps of eight vectors (512 bytes for
// AVX-512, 256 for AVX2); Go adds the tail. Eight independent accumulators
// and nothing else per load, as the peers' membw probe reads memory, so
// the read probes measure what it does. Twin: readSumGeneric (exact).
func readSumKernels() {
	readSum("readSumAVX512", ZMM, 64)
	readSum("readSumAVX2", YMM, 32)
}

func readSum(name string, vec func() VecVirtual, width int) {
	TEXT(name, NOSPLIT, "func(p []byte) uint32")
	Pragma("noescape")
	Doc(name + " returns the wrapping sum of p's uint32 words over whole steps of eight vectors (see readSumKernels).")
	p := Mem{Base: Load(Param("p").Base(), GP64())}
	n := Load(Param("p").Len(), GP64())
	acc := make([]VecVirtual, 8)
	for i := range acc {
		acc[i] = vec()
		if width == 32 {
			VPXOR(acc[i], acc[i], acc[i]) // VPXORD on YMM needs AVX-512VL
		} else {
			VPXORD(acc[i], acc[i], acc[i])
		}
	}
	SHRQ(U8(log2(8*width)), n)
	JZ(LabelRef(name + "_reduce"))
	Label(name + "_loop")
	for i := range acc {
		VPADDD(p.Offset(width*i), acc[i], acc[i])
	}
	ADDQ(U32(8*width), p.Base)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_reduce")
	x := reduceLanes(foldTree(acc, VPADDD), width/4, VPADDD, VPADDD)
	r := GP32()
	VMOVD(x, r)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
