package kernels

import "math"

// Span is a range [Lo, Hi) of key indices to include.
type Span struct{ Lo, Hi int }

// KV is one part of an attention key range: key j is K[j*Stride : j*Stride+d]
// and value j is V[j*Stride : j*Stride+d] with d = len(q); only keys inside
// Spans are visited (masks are expressed by leaving keys out of the spans,
// so masked tiles cost nothing).
type KV struct {
	K, V   []float32
	Stride int
	Spans  []Span
}

// attendTile is the number of keys scored before the running max and sum
// are updated; scores live in a stack array of this size.
const attendTile = 64

// Attend sets out = Σ_j softmax(scale·q·k_j)·v_j for one query head over every
// included key of every part, with a single softmax across the parts (the
// decoder passes [self cache | cross keys]). It is online: keys are scored a
// tile at a time and the output is rescaled when the running max grows, so no
// score vector over all keys exists. With no key included out is zero.
// len(out) >= len(q); it allocates nothing.
func Attend(out, q []float32, scale float32, parts []KV) {
	d := len(q)
	out = out[:d]
	clear(out)
	m := float32(math.Inf(-1)) // running max of the scores
	var l float32              // running Σ exp(score - m)
	var s [attendTile]float32
	for _, p := range parts {
		for _, sp := range p.Spans {
			for lo := sp.Lo; lo < sp.Hi; lo += attendTile {
				hi := min(lo+attendTile, sp.Hi)
				tm := float32(math.Inf(-1))
				for j := lo; j < hi; j++ {
					v := scale * impl.dot(q, p.K[j*p.Stride:j*p.Stride+d])
					s[j-lo] = v
					tm = max(tm, v)
				}
				if tm > m {
					if l != 0 {
						c := float32(math.Exp(float64(m - tm)))
						l *= c
						for i := range out {
							out[i] *= c
						}
					}
					m = tm
				}
				l += expSumTile(s[:hi-lo], m)
				for j := lo; j < hi; j++ {
					impl.axpy(out, s[j-lo], p.V[j*p.Stride:j*p.Stride+d])
				}
			}
		}
	}
	if l == 0 {
		return
	}
	r := 1 / l
	for i := range out {
		out[i] *= r
	}
}

// axpyGeneric sets y += a·x over len(y).
func axpyGeneric(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += a * x[i]
	}
}

// expSumTile is impl.expSum called directly rather than through the table's
// function value, so escape analysis keeps the callers' score tiles on the
// stack (the assembly is marked noescape).
func expSumTile(x []float32, m float32) float32 {
	if s, ok := expSumArch(x, m); ok {
		return s
	}
	return expSumGeneric(x, m)
}
