//go:build amd64 && !purego

package kernels

import (
	"fmt"
	"math"
)

// rowsF32Asm runs a four-row float kernel on whole groups of four rows and
// whole steps of k, adding the element tails in Go; the last rows go
// through the tier's vector dot (blocked attention sends key tiles whose
// row counts are not multiples of four here, and scalar Go dots of 256
// elements showed in encoder profiles).
func rowsF32Asm(kern rowsF32Func, dot func(a, b []float32) float32, step int) rowsF32Func {
	return func(y, w, x []float32) {
		k := len(x)
		if len(w) < len(y)*k {
			panic(fmt.Sprintf("kernels: float row kernel: w %d < %d rows × %d", len(w), len(y), k))
		}
		n := len(y) &^ 3
		if n > 0 {
			kern(y[:n], w, x)
			if kk := k / step * step; kk < k {
				for r := 0; r < n; r++ {
					y[r] += dotGeneric(w[r*k+kk:r*k+k], x[kk:])
				}
			}
		}
		for r := n; r < len(y); r++ {
			y[r] = dot(w[r*k:r*k+k], x)
		}
	}
}

// rowsF32x4Asm is rowsF32x4 on rowsF32x4AVX512 (pairs of rows, whole
// 16-element steps) with Go adding the element tails and an odd last row.
func rowsF32x4Asm(y []float32, ystride int, w, x []float32, rows int) {
	k := len(x) / 4
	if rows <= 0 {
		return
	}
	if len(x) != 4*k || len(w) < rows*k || ystride < rows || len(y) < 3*ystride+rows {
		panic(fmt.Sprintf("kernels: rowsF32x4: y %d/%d w %d x %d rows %d", len(y), ystride, len(w), len(x), rows))
	}
	pairs := rows &^ 1
	if pairs > 0 && k >= 16 {
		rowsF32x4AVX512(y, ystride, w, x, k, pairs)
		if kk := k &^ 15; kk < k {
			for t := range 4 {
				for r := range pairs {
					y[t*ystride+r] += dotGeneric(w[r*k+kk:r*k+k], x[t*k+kk:t*k+k])
				}
			}
		}
	} else {
		pairs = 0
	}
	for t := range 4 {
		impl.rowsF32(y[t*ystride+pairs:t*ystride+rows], w[pairs*k:rows*k], x[t*k:(t+1)*k])
	}
}

// rowsF16Asm is rowsF32Asm for 16-bit weights; gen is the matching generic.
func rowsF16Asm(kern, gen rowsF16Func, step int) rowsF16Func {
	return func(y []float32, w []uint16, x []float32) {
		k := len(x)
		if len(w) < len(y)*k {
			panic(fmt.Sprintf("kernels: float row kernel: w %d < %d rows × %d", len(w), len(y), k))
		}
		n := len(y) &^ 3
		if n > 0 {
			kern(y[:n], w, x)
			if kk := k / step * step; kk < k {
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

// axpyAsm runs y += a·x in assembly on whole steps and in Go on the tail.
func axpyAsm(kern func(y []float32, a float32, x []float32), step int) func(y []float32, a float32, x []float32) {
	return func(y []float32, a float32, x []float32) {
		x = x[:len(y)]
		n := len(y) / step * step
		if n > 0 {
			kern(y[:n], a, x[:n])
		}
		axpyGeneric(y[n:], a, x[n:])
	}
}

// rmsNormAsm is RMSNorm with the mean square summed in float32 lanes by the
// tier's dot (relative error <= len(x)·2⁻²⁴) and the scaling in assembly.
func rmsNormAsm(apply func(dst, x, w []float32, r float32), step int) func(dst, x, w []float32, eps float32) {
	return func(dst, x, w []float32, eps float32) {
		if len(x) == 0 {
			return
		}
		ss := impl.dot(x, x)
		r := float32(1 / math.Sqrt(float64(ss)/float64(len(x))+float64(eps)))
		dst, w = dst[:len(x)], w[:len(x)]
		n := len(x) / step * step
		if n > 0 {
			apply(dst[:n], x[:n], w[:n], r)
		}
		for i := n; i < len(x); i++ {
			dst[i] = x[i] * r * (1 + w[i])
		}
	}
}

// geluMulAsm, geluAsm and expSumAsm run the vector-exp kernels on whole
// steps and the generic code on the tail.
func geluMulAsm(kern func(dst, gate, up []float32), step int) func(dst, gate, up []float32) {
	return func(dst, gate, up []float32) {
		dst, up = dst[:len(gate)], up[:len(gate)]
		n := len(gate) / step * step
		if n > 0 {
			kern(dst[:n], gate[:n], up[:n])
		}
		geluTanhMulGeneric(dst[n:], gate[n:], up[n:])
	}
}

func geluAsm(kern func(dst, x []float32), step int) func(dst, x []float32) {
	return func(dst, x []float32) {
		dst = dst[:len(x)]
		n := len(x) / step * step
		if n > 0 {
			kern(dst[:n], x[:n])
		}
		geluTanhGeneric(dst[n:], x[n:])
	}
}

func expSumAsm(kern func(x []float32, m float32) float32, step int) func(x []float32, m float32) float32 {
	return func(x []float32, m float32) float32 {
		n := len(x) / step * step
		var s float32
		if n > 0 {
			s = kern(x[:n], m)
		}
		return s + expSumGeneric(x[n:], m)
	}
}

// layerNormAsm is LayerNorm with both passes (mean, then Σ(x-mean)²) summed
// in float32 lanes and the scaling in assembly; step is the reduction step.
func layerNormAsm(sum func(x []float32) float32, sqDev func(x []float32, mean float32) float32,
	apply func(dst, x, w, b []float32, mean, r float32), step int) func(dst, x, w, b []float32, eps float32) {
	return func(dst, x, w, b []float32, eps float32) {
		if len(x) == 0 {
			return
		}
		dst, w, b = dst[:len(x)], w[:len(x)], b[:len(x)]
		n := len(x) / step * step
		var s float32
		if n > 0 {
			s = sum(x[:n])
		}
		for _, v := range x[n:] {
			s += v
		}
		mean := s / float32(len(x))
		var ss float32
		if n > 0 {
			ss = sqDev(x[:n], mean)
		}
		for _, v := range x[n:] {
			ss += (v - mean) * (v - mean)
		}
		r := float32(1 / math.Sqrt(float64(ss)/float64(len(x))+float64(eps)))
		m := len(x) / (step / 4) * (step / 4)
		if m > 0 {
			apply(dst[:m], x[:m], w[:m], b[:m], mean, r)
		}
		for i := m; i < len(x); i++ {
			dst[i] = (x[i]-mean)*r*w[i] + b[i]
		}
	}
}

// argmaxAsm is argmaxGeneric with both passes in assembly over whole
// vector steps (maxNum over step-element steps, firstEq over lanes).
// maxAsm is Max on a tier's maxNum kernel (whole steps of four vectors)
// and Go for the rest.
func maxAsm(maxNum func([]float32, float32) float32, lanes int) func([]float32, float32) float32 {
	return func(x []float32, m float32) float32 {
		n := len(x) / (4 * lanes) * (4 * lanes)
		m = maxNum(x[:n], m)
		for _, v := range x[n:] {
			if v > m {
				m = v
			}
		}
		return m
	}
}

func argmaxAsm(maxNum func([]float32, float32) float32, first func([]float32, float32) int, lanes int) func([]float32) int {
	max := maxAsm(maxNum, lanes)
	return func(x []float32) int {
		m := max(x, x[0])
		whole := len(x) / lanes * lanes
		if i := first(x[:whole], m); i >= 0 {
			return i
		}
		return whole + firstEq(x[whole:], m)
	}
}
