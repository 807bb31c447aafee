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

// expVec replaces x by exp(x) on AVX2 (x is clobbered; returns it).
func expVec(x VecVirtual, vec func() VecVirtual) VecVirtual {
	c := func(i int) VecVirtual { v := vec(); VBROADCASTSS(ec(i), v); return v }
	lo := ec0(x, 0, vec)
	VMAXPS(lo, x, x)
	VMINPS(ec0(x, 1, vec), x, x)
	keep := vec()                 // lanes above the low clamp (the others become 0 at the end)
	VCMPPS(U8(0x1e), lo, x, keep) // x > lo, ordered
	n := c(2)
	VMULPS(x, n, n)
	VROUNDPS(U8(0), n, n)    // nearest
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
	ni := vec()
	VCVTPS2DQ(n, ni)
	g, b := GP32(), vec()
	MOVL(U32(127), g)
	VMOVD(g, b.AsX())
	VPBROADCASTD(b.AsX(), b)
	VPADDD(b, ni, ni)
	VPSLLD(U8(23), ni, ni)
	VMULPS(ni, p, p) // ·2^n
	VANDPS(keep, p, p)
	return p
}

// expVecs is the AVX-512 exp (2^n by VSCALEFPS, the clamped lanes zeroed
// by a mask) over several vectors at once, step by step:
// one exp is a chain of ~20 dependent operations (~70 cycles), and issued
// one after another the chains filled the scheduler while waiting, so the
// loop ran at a third of its port throughput. Constants are embedded
// broadcasts, so they take no registers. xs are clobbered and hold the
// results.
func expVecs(xs []VecVirtual) {
	each := func(f func(i int, x VecVirtual)) {
		for i, x := range xs {
			f(i, x)
		}
	}
	keep := make([]Register, len(xs))
	n, p := make([]VecVirtual, len(xs)), make([]VecVirtual, len(xs))
	each(func(i int, x VecVirtual) { VMAXPS_BCST(ec(0), x, x) })
	each(func(i int, x VecVirtual) { VMINPS_BCST(ec(1), x, x) })
	each(func(i int, x VecVirtual) { keep[i] = K(); VCMPPS_BCST(U8(0x1e), ec(0), x, keep[i]) })
	each(func(i int, x VecVirtual) { n[i] = ZMM(); VMULPS_BCST(ec(2), x, n[i]) })
	each(func(i int, x VecVirtual) { VRNDSCALEPS(U8(0), n[i], n[i]) })
	each(func(i int, x VecVirtual) { VFNMADD231PS_BCST(ec(3), n[i], x) })
	each(func(i int, x VecVirtual) { VFNMADD231PS_BCST(ec(4), n[i], x) })
	each(func(i int, x VecVirtual) { p[i] = ZMM(); VBROADCASTSS(ec(5), p[i]) })
	for c := 6; c <= 10; c++ {
		each(func(i int, x VecVirtual) { VFMADD213PS_BCST(ec(c), x, p[i]) })
	}
	each(func(i int, x VecVirtual) { z := ZMM(); VMULPS(x, x, z); VFMADD213PS(x, z, p[i]) })
	each(func(i int, x VecVirtual) { VADDPS_BCST(ec(11), p[i], p[i]) })
	each(func(i int, x VecVirtual) { VSCALEFPS(n[i], p[i], p[i]) })
	each(func(i int, x VecVirtual) { VMOVAPS_Z(p[i], keep[i], x) })
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
	byGroups(name, n, 4, evex, func(c int) {
		xs, ts := make([]VecVirtual, c), make([]VecVirtual, c)
		for i := range c {
			xs[i] = vec()
			VMOVUPS(Mem{Base: xp}.Offset(4*lanes*i), xs[i])
			Comment("t = -2·sqrt(2/π)·(x + 0.044715·x³)")
			t, k := vec(), vec()
			VMULPS(xs[i], xs[i], t)
			VBROADCASTSS(ec(13), k)
			VMULPS(k, t, t)
			VFMADD213PS(xs[i], xs[i], t) // t = t·x + x
			VBROADCASTSS(ec(12), k)
			VMULPS(k, t, t)
			ts[i] = t
		}
		exps(ts, vec, evex)
		for i, x := range xs {
			e, one := ts[i], vec()
			VBROADCASTSS(ec(11), one)
			VADDPS(one, e, e)
			VDIVPS(e, x, x)
			if mul {
				VMULPS(Mem{Base: up}.Offset(4*lanes*i), x, x)
			}
			VMOVUPS(x, Mem{Base: dp}.Offset(4*lanes*i))
		}
		if mul {
			ADDQ(U32(4*lanes*c), up)
		}
		ADDQ(U32(4*lanes*c), dp)
		ADDQ(U32(4*lanes*c), xp)
	})
	VZEROUPPER()
	RET()
}

// exps replaces each of xs by its exp: side by side on AVX-512
// (expVecs), one at a time on AVX2.
func exps(xs []VecVirtual, vec func() VecVirtual, evex bool) {
	if evex {
		expVecs(xs)
		return
	}
	for i, x := range xs {
		xs[i] = expVec(x, vec)
	}
}

// byGroups emits body(g) in a loop while g or more of the n steps remain
// (AVX-512 only, where exps run side by side), then body(1) for the rest;
// n is consumed. The code after it runs once all steps are done.
func byGroups(name string, n Register, g int, evex bool, body func(c int)) {
	if evex {
		Label(name + "_group")
		CMPQ(n, U8(g))
		JB(LabelRef(name + "_one"))
		body(g)
		SUBQ(U8(g), n)
		JMP(LabelRef(name + "_group"))
	}
	Label(name + "_one")
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	body(1)
	DECQ(n)
	JMP(LabelRef(name + "_one"))
	Label(name + "_done")
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
	mm := vec()
	VBROADCASTSS(NewParamAddr("m", 24), mm)
	byGroups(name, n, 4, evex, func(c int) {
		xs := make([]VecVirtual, c)
		for i := range xs {
			xs[i] = vec()
			VMOVUPS(Mem{Base: xp}.Offset(4*lanes*i), xs[i])
			VSUBPS(mm, xs[i], xs[i])
		}
		exps(xs, vec, evex)
		for i, e := range xs { // summed in order, as one at a time
			VMOVUPS(e, Mem{Base: xp}.Offset(4*lanes*i))
			VADDPS(e, sum, sum)
		}
		ADDQ(U32(4*lanes*c), xp)
	})
	r := reduceFloat(sum, lanes)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
