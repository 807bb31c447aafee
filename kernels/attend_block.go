package kernels

import "math"

// attendHeads is how many query heads AttendBlock scores per pass over a
// key tile; its state lives on the stack.
const attendHeads = 8

// AttendBlock is Attend for nq query heads that share the same keys, values
// and spans (GQA: the query heads of one KV head). q and out hold nq heads
// of d = len(q)/nq floats each. Every key and value row is read once per
// pass for up to eight heads while it is in cache; each head's result is
// bit-identical to Attend on that head alone. It allocates nothing.
func AttendBlock(out, q []float32, nq int, scale float32, parts []KV) {
	if nq <= 0 {
		return
	}
	d := len(q) / nq
	for h0 := 0; h0 < nq; h0 += attendHeads {
		h1 := min(h0+attendHeads, nq)
		attendHeadsPass(out[h0*d:h1*d], q[h0*d:h1*d], h1-h0, d, scale, parts)
	}
}

func attendHeadsPass(out, q []float32, nh, d int, scale float32, parts []KV) {
	clear(out[:nh*d])
	var m, l [attendHeads]float32
	var s [attendHeads][attendTile]float32
	for h := range nh {
		m[h] = float32(math.Inf(-1))
	}
	for _, p := range parts {
		for _, sp := range p.Spans {
			for lo := sp.Lo; lo < sp.Hi; lo += attendTile {
				hi := min(lo+attendTile, sp.Hi)
				var tm [attendHeads]float32
				for h := range nh {
					tm[h] = float32(math.Inf(-1))
				}
				for j := lo; j < hi; j++ {
					k := p.K[j*p.Stride : j*p.Stride+d]
					for h := range nh {
						v := scale * impl.dot(q[h*d:h*d+d], k)
						s[h][j-lo] = v
						tm[h] = max(tm[h], v)
					}
				}
				for h := range nh {
					if tm[h] > m[h] {
						if l[h] != 0 {
							c := float32(math.Exp(float64(m[h] - tm[h])))
							l[h] *= c
							o := out[h*d : h*d+d]
							for i := range o {
								o[i] *= c
							}
						}
						m[h] = tm[h]
					}
				}
				for h := range nh {
					l[h] += expSumTile(s[h][:hi-lo], m[h])
				}
				for j := lo; j < hi; j++ {
					v := p.V[j*p.Stride : j*p.Stride+d]
					for h := range nh {
						impl.axpy(out[h*d:h*d+d], s[h][j-lo], v)
					}
				}
			}
		}
	}
	for h := range nh {
		if l[h] == 0 {
			continue
		}
		r := 1 / l[h]
		o := out[h*d : h*d+d]
		for i := range o {
			o[i] *= r
		}
	}
}
