package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Kernels built on a vector exp (Cephes expf: n = round(x·log2 e),
// f = x - n·ln2 in two parts, e^f by a degree-6 polynomial, times 2^n;
// x clamped to [-64, 88] and lanes at the low clamp set to 0, so no
// result or later product is subnormal (subnormals cost microcode assists;
// e^-64 is 1.6e-28, below any float32 sum it joins and still normal after
// a 1/n softmax scale); relative error ~2e-7):
//
//	func geluMulAVX512(dst, gate, up []float32)  // dst = gelu_tanh(gate)·up
//	func geluAVX512(dst, x []float32)            // dst = gelu_tanh(x)
//	func expSumAVX512(x []float32, m float32) float32 // x = exp(x-m), returns Σ
//
// over len(dst) (len(x)) rounded down to a multiple of lanes; Go finishes.
// gelu_tanh(x) = 0.5x(1+tanh(u)) is computed as x / (1 + exp(-2u)),
// u = sqrt(2/π)(x + 0.044715x³), which is the same function without the
// cancellation of 1+tanh for negative u. Twins: GeluTanhMul, GeluTanh,
// Softmax (float64 math.Exp; error bounded).
var expC Mem

func expConsts() {
	expC = GLOBL("expconst", RODATA|NOPTR)
	for i, v := range []float32{
		-64, 88, // clamp; inputs at or below -64 give exactly 0
		1.44269504088896341,         // log2 e
		0.693359375, -2.12194440e-4, // ln2 high, low
		1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, // poly
		1,
		-2 * 0.7978845608028654, // -2·sqrt(2/π)
		0.044715,
	} {
		DATA(4*i, U32(math.Float32bits(v)))
	}
}

func ec(i int) Mem { return expC.Offset(4 * i) }

// expVec replaces x by exp(x) (x is clobbered; returns it).
func expVec(x VecVirtual, vec func() VecVirtual, evex bool) VecVirtual {
	c := func(i int) VecVirtual { v := vec(); VBROADCASTSS(ec(i), v); return v }
	lo := ec0(x, 0, vec)
	VMAXPS(lo, x, x)
	VMINPS(ec0(x, 1, vec), x, x)
	// keep: lanes above the low clamp (the others become 0 at the end)
	var keepK, keepV Register
	if evex {
		keepK = K()
		VCMPPS(U8(0x1e), lo, x, keepK) // x > lo, ordered
	} else {
		keepV = vec()
		VCMPPS(U8(0x1e), lo, x, keepV)
	}
	n := c(2)
	VMULPS(x, n, n)
	if evex {
		VRNDSCALEPS(U8(0), n, n) // nearest
	} else {
		VROUNDPS(U8(0), n, n)
	}
	VFNMADD231PS(c(3), n, x) // x -= n·ln2hi
	VFNMADD231PS(c(4), n, x) // x -= n·ln2lo
	p := c(5)
	for i := 6; i <= 10; i++ {
		VFMADD213PS(c(i), x, p) // p = p·x + c
	}
	z := vec()
	VMULPS(x, x, z)
	VFMADD213PS(x, z, p) // p = p·z + x
	VADDPS(c(11), p, p)  // + 1
	if evex {
		VSCALEFPS(n, p, p)
		VMOVAPS_Z(p, keepK, p)
		return p
	}
	ni := vec()
	VCVTPS2DQ(n, ni)
	g, b := GP32(), vec()
	MOVL(U32(127), g)
	VMOVD(g, b.AsX())
	VPBROADCASTD(b.AsX(), b)
	VPADDD(b, ni, ni)
	VPSLLD(U8(23), ni, ni)
	VMULPS(ni, p, p)
	VANDPS(keepV, p, p)
	return p
}

// ec0 broadcasts constant i (a helper so min/max can take a register).
func ec0(_ VecVirtual, i int, vec func() VecVirtual) VecVirtual {
	v := vec()
	VBROADCASTSS(ec(i), v)
	return v
}

func expKernels() {
	expConsts()
	for _, t := range []struct {
		sfx   string
		vec   func() VecVirtual
		lanes int
		evex  bool
	}{{"AVX512", ZMM, 16, true}, {"AVX2", YMM, 8, false}} {
		gelu("geluMul"+t.sfx, true, t.vec, t.lanes, t.evex)
		gelu("gelu"+t.sfx, false, t.vec, t.lanes, t.evex)
		expSum("expSum"+t.sfx, t.vec, t.lanes, t.evex)
	}
}

func gelu(name string, mul bool, vec func() VecVirtual, lanes int, evex bool) {
	sig := "func(dst, x []float32)"
	if mul {
		sig = "func(dst, gate, up []float32)"
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(name + " applies tanh GELU over whole vector steps (see expk.go).")
	dp := Load(Param("dst").Base(), GP64())
	var xp, up Register
	if mul {
		xp = Load(Param("gate").Base(), GP64())
		up = Load(Param("up").Base(), GP64())
	} else {
		xp = Load(Param("x").Base(), GP64())
	}
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(log2(lanes)), n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	x := vec()
	VMOVUPS(Mem{Base: xp}, x)
	Comment("t = -2·sqrt(2/π)·(x + 0.044715·x³)")
	t := vec()
	VMULPS(x, x, t)
	k := vec()
	VBROADCASTSS(ec(13), k)
	VMULPS(k, t, t)
	VFMADD213PS(x, x, t) // t = t·x + x
	VBROADCASTSS(ec(12), k)
	VMULPS(k, t, t)
	e := expVec(t, vec, evex)
	one := vec()
	VBROADCASTSS(ec(11), one)
	VADDPS(one, e, e)
	VDIVPS(e, x, x)
	if mul {
		VMULPS(Mem{Base: up}, x, x)
		ADDQ(U32(4*lanes), up)
	}
	VMOVUPS(x, Mem{Base: dp})
	ADDQ(U32(4*lanes), dp)
	ADDQ(U32(4*lanes), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

func expSum(name string, vec func() VecVirtual, lanes int, evex bool) {
	TEXT(name, NOSPLIT, "func(x []float32, m float32) float32")
	Pragma("noescape")
	Doc(name + " sets x[i] = exp(x[i]-m) over whole vector steps and returns their sum (see expk.go).")
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	sum := vec()
	VXORPS(sum, sum, sum)
	SHRQ(U8(log2(lanes)), n)
	JZ(LabelRef(name + "_done"))
	mm := vec()
	VBROADCASTSS(NewParamAddr("m", 24), mm)
	Label(name + "_loop")
	x := vec()
	VMOVUPS(Mem{Base: xp}, x)
	VSUBPS(mm, x, x)
	e := expVec(x, vec, evex)
	VMOVUPS(e, Mem{Base: xp})
	VADDPS(e, sum, sum)
	ADDQ(U32(4*lanes), xp)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	r := reduceFloat(sum, lanes)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
