package kernels

import (
	"encoding/binary"
	"math"
)

// Element-wise kernels work on one row on the calling goroutine; the model
// loops or threads over rows. dst may alias an input of the same length.

// RMSNorm sets dst = x / sqrt(mean(x²) + eps) · (1 + w), Gemma's form.
// len(dst) >= len(x), len(w) >= len(x). The generic tier sums x² in
// float64; the assembly tiers in float32 lanes (relative error of the mean
// <= len(x)·2⁻²⁴).
func RMSNorm(dst, x, w []float32, eps float32) { impl.rmsnorm(dst, x, w, eps) }

func rmsNormGeneric(dst, x, w []float32, eps float32) {
	if len(x) == 0 {
		return
	}
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	r := float32(1 / math.Sqrt(ss/float64(len(x))+float64(eps)))
	w, dst = w[:len(x)], dst[:len(x)]
	for i, v := range x {
		dst[i] = v * r * (1 + w[i])
	}
}

// LayerNorm sets dst = (x - mean) / sqrt(var + eps) · w + b (SigLIP). The
// generic tier sums in float64, the assembly tiers in float32 lanes, both in
// two passes (mean, then Σ(x-mean)²).
func LayerNorm(dst, x, w, b []float32, eps float32) { impl.layernorm(dst, x, w, b, eps) }

func layerNormGeneric(dst, x, w, b []float32, eps float32) {
	if len(x) == 0 {
		return
	}
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	mean := s / float64(len(x))
	var ss float64
	for _, v := range x {
		d := float64(v) - mean
		ss += d * d
	}
	r := 1 / math.Sqrt(ss/float64(len(x))+float64(eps))
	w, b, dst = w[:len(x)], b[:len(x)], dst[:len(x)]
	for i, v := range x {
		dst[i] = float32((float64(v)-mean)*r)*w[i] + b[i]
	}
}

// geluTanh is 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).
func geluTanh(x float32) float32 {
	const c = 0.7978845608028654 // sqrt(2/pi)
	v := float64(x)
	return float32(0.5 * v * (1 + math.Tanh(c*(v+0.044715*v*v*v))))
}

// GeluTanhMul sets dst = gelu_tanh(gate) · up (Gemma's gated MLP). The
// assembly tiers use a float32 exp (relative error ~1e-6, see TestGELUTiers).
func GeluTanhMul(dst, gate, up []float32) { impl.geluMul(dst, gate, up) }

func geluTanhMulGeneric(dst, gate, up []float32) {
	up, dst = up[:len(gate)], dst[:len(gate)]
	for i, g := range gate {
		dst[i] = geluTanh(g) * up[i]
	}
}

// GeluTanh sets dst = gelu_tanh(x).
func GeluTanh(dst, x []float32) { impl.gelu(dst, x) }

func geluTanhGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = geluTanh(v)
	}
}

// Add sets dst += x over len(dst). It runs the tier's axpy with a = 1,
// which is exact: 1·x + dst rounds once either way (FMA or not), so every
// tier gives Go's dst[i] += x[i] bit for bit, vectorised (blocked
// attention adds each key tile's output this way).
func Add(dst, x []float32) {
	impl.axpy(dst, 1, x[:len(dst)])
}

// RoPE rotates one head in rotate-half form: with h = len(x)/2,
// x[j], x[j+h] = x[j]·cos[j] - x[j+h]·sin[j], x[j+h]·cos[j] + x[j]·sin[j].
// len(cos), len(sin) >= h.
func RoPE(x, cos, sin []float32) {
	h := len(x) / 2
	a, b := x[:h], x[h:2*h]
	cos, sin = cos[:h], sin[:h]
	for j := range a {
		x0, x1 := a[j], b[j]
		a[j] = x0*cos[j] - x1*sin[j]
		b[j] = x1*cos[j] + x0*sin[j]
	}
}

// Softmax replaces x by exp(x - max) / Σ exp(x - max).
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	m := x[0]
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	r := 1 / impl.expSum(x, m)
	for i := range x {
		x[i] *= r
	}
}

// expSumGeneric sets x[i] = exp(x[i]-m) and returns their float32 sum in
// index order.
func expSumGeneric(x []float32, m float32) float32 {
	var s float32
	for i, v := range x {
		e := float32(math.Exp(float64(v - m)))
		x[i] = e
		s += e
	}
	return s
}

// Dot returns Σ a[i]·b[i] over len(a); len(b) >= len(a).
func Dot(a, b []float32) float32 { return impl.dot(a, b[:len(a)]) }

// ReadSum returns the wrapping sum of p's little-endian uint32 words (a
// tail of under four bytes is left out). It is for reading memory as fast
// as the machine can: the read-bandwidth probes run it, with the loop the
// peers' membw probe runs, so their figures are the same quantity.
func ReadSum(p []byte) uint32 { return impl.readSum(p) }

func readSumGeneric(p []byte) uint32 {
	var s uint32
	for ; len(p) >= 4; p = p[4:] {
		s += binary.LittleEndian.Uint32(p)
	}
	return s
}
