//go:build arm64 && !purego

package kernels

import (
	"fmt"
	"math"
)

// Go sides of the arm64 float kernels: bounds checks the assembly trusts,
// whole steps in assembly, tails in Go. They mirror rowsf_amd64.go under
// their own names, so the two builds never share a symbol by accident.

// rowsFArm runs a four-row float kernel on whole groups of four rows and
// the first k&^15 elements, adding the element tails and the last rows with
// gen, the matching generic kernel.
func rowsFArm[W float32 | uint16](kern, gen func(y []float32, w []W, x []float32)) func(y []float32, w []W, x []float32) {
	return func(y []float32, w []W, x []float32) {
		k := len(x)
		if len(w) < len(y)*k {
			panic(fmt.Sprintf("kernels: float row kernel: w %d < %d rows × %d", len(w), len(y), k))
		}
		n := len(y) &^ 3
		if n > 0 {
			kern(y[:n], w, x)
			if kk := k &^ 15; kk < k {
				var t [1]float32
				for r := 0; r < n; r++ {
					gen(t[:], w[r*k+kk:r*k+k], x[kk:])
					y[r] += t[0]
				}
			}
		}
		gen(y[n:], w[n*k:], x)
	}
}

// dotArm runs dotNEON on whole steps of 32 and adds the tail in Go.
func dotArm(a, b []float32) float32 {
	b = b[:len(a)]
	n := len(a) &^ 31
	var s float32
	if n > 0 {
		s = dotNEON(a[:n], b[:n])
	}
	for i := n; i < len(a); i++ {
		s += a[i] * b[i]
	}
	return s
}

// readSumArm runs readSumNEON on whole 64-byte steps and Go on the rest.
func readSumArm(p []byte) uint32 {
	n := len(p) &^ 63
	var s uint32
	if n > 0 {
		s = readSumNEON(p[:n])
	}
	return s + readSumGeneric(p[n:])
}

func axpyArm(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	n := len(y) &^ 15
	if n > 0 {
		axpyNEON(y[:n], a, x[:n])
	}
	axpyGeneric(y[n:], a, x[n:])
}

// rmsNormArm sums the mean square in float32 lanes (relative error
// <= len(x)·2⁻²⁴) and scales in assembly, in the generic order x·r·(1+w).
func rmsNormArm(dst, x, w []float32, eps float32) {
	if len(x) == 0 {
		return
	}
	ss := dotArm(x, x)
	r := float32(1 / math.Sqrt(float64(ss)/float64(len(x))+float64(eps)))
	dst, w = dst[:len(x)], w[:len(x)]
	n := len(x) &^ 15
	if n > 0 {
		rmsApplyNEON(dst[:n], x[:n], w[:n], r)
	}
	for i := n; i < len(x); i++ {
		dst[i] = x[i] * r * (1 + w[i])
	}
}

// layerNormArm: both passes (mean, then Σ(x-mean)²) in float32 lanes, the
// scaling in assembly.
func layerNormArm(dst, x, w, b []float32, eps float32) {
	if len(x) == 0 {
		return
	}
	dst, w, b = dst[:len(x)], w[:len(x)], b[:len(x)]
	n := len(x) &^ 15
	var s, ss float32
	if n > 0 {
		s = sumNEON(x[:n])
	}
	for _, v := range x[n:] {
		s += v
	}
	mean := s / float32(len(x))
	if n > 0 {
		ss = sqDevNEON(x[:n], mean)
	}
	for _, v := range x[n:] {
		ss += (v - mean) * (v - mean)
	}
	r := float32(1 / math.Sqrt(float64(ss)/float64(len(x))+float64(eps)))
	if n > 0 {
		lnApplyNEON(dst[:n], x[:n], w[:n], b[:n], mean, r)
	}
	for i := n; i < len(x); i++ {
		dst[i] = (x[i]-mean)*r*w[i] + b[i]
	}
}

// geluMulArm, geluArm and expSumArm run the vector-exp kernels on whole
// steps of 8 and the generic code on the tail.
func geluMulArm(dst, gate, up []float32) {
	dst, up = dst[:len(gate)], up[:len(gate)]
	n := len(gate) &^ 7
	if n > 0 {
		geluMulNEON(dst[:n], gate[:n], up[:n])
	}
	geluTanhMulGeneric(dst[n:], gate[n:], up[n:])
}

func geluArm(dst, x []float32) {
	dst = dst[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		geluNEON(dst[:n], x[:n])
	}
	geluTanhGeneric(dst[n:], x[n:])
}

func expSumArm(x []float32, m float32) float32 {
	n := len(x) &^ 7
	var s float32
	if n > 0 {
		s = expSumNEON(x[:n], m)
	}
	return s + expSumGeneric(x[n:], m)
}

// expSumArch is the selected tier's expSum as a direct call (see
// expSumTile): both arm64 tiers use expSumNEON.
func expSumArch(x []float32, m float32) (float32, bool) {
	if impl.isa != "neon" {
		return 0, false
	}
	return expSumArm(x, m), true
}

// quantQ8Arm checks the bounds quantQ8NEON trusts.
func quantQ8Arm(qs []int8, d []float32, sum []int32, x []float32) {
	nb := len(d)
	if len(qs) < nb*qk || len(sum) < nb || len(x) < nb*qk {
		panic(fmt.Sprintf("kernels: quantizeQ8 bounds: %d blocks, qs %d sum %d x %d", nb, len(qs), len(sum), len(x)))
	}
	if nb > 0 {
		quantQ8NEON(qs, d, sum, x)
	}
}
