package t5gemma

import "math"

// ropeTable holds the rotary cos/sin for positions [0, n) of one layer type,
// half = head_dim/2 values per position (the second half repeats the first).
//
// The angles follow transformers exactly: inv_freq[j] = 1/base^(2j/d) in
// float32 (then divided by the linear factor), angle = float32(pos·inv_freq),
// so the phases match the reference at every position; cos and sin of that
// float32 angle are evaluated in float64 and rounded once.
type ropeTable struct {
	half     int
	cos, sin []float32
}

func invFreq(headDim int, base, factor float64) []float32 {
	half := headDim / 2
	inv := make([]float32, half)
	for j := range half {
		e := float32(2*j) / float32(headDim)
		inv[j] = float32(1) / float32(math.Pow(base, float64(e)))
		if factor != 1 {
			inv[j] /= float32(factor)
		}
	}
	return inv
}

func newRopeTable(headDim int, base, factor float64, n int) ropeTable {
	inv := invFreq(headDim, base, factor)
	half := headDim / 2
	r := ropeTable{half: half, cos: make([]float32, n*half), sin: make([]float32, n*half)}
	for p := range n {
		for j, f := range inv {
			a := float64(float32(p) * f)
			r.cos[p*half+j] = float32(math.Cos(a))
			r.sin[p*half+j] = float32(math.Sin(a))
		}
	}
	return r
}

func (r *ropeTable) at(pos int) (cos, sin []float32) {
	return r.cos[pos*r.half : (pos+1)*r.half], r.sin[pos*r.half : (pos+1)*r.half]
}

// stackRope has one table per layer type of a stack.
type stackRope struct{ full, sliding ropeTable }

func newStackRope(c *StackConfig, n int) stackRope {
	return stackRope{
		full:    newRopeTable(c.HeadDim, c.RopeBase, c.RopeFactor, n),
		sliding: newRopeTable(c.HeadDim, c.RopeBaseSWA, c.RopeFactorSWA, n),
	}
}

func (s *stackRope) table(sliding bool) *ropeTable {
	if sliding {
		return &s.sliding
	}
	return &s.full
}
