package kernels

// Argmax returns the index of the first largest value of x (as torch.argmax
// does), or 0 for an empty x; NaNs are passed over, except that a NaN at
// index 0 yields 0 (argmaxRef is the specification). The LM head's logits
// go through it once per greedy step, 262,144 of them per sequence.
func Argmax(x []float32) int {
	if len(x) == 0 || x[0] != x[0] {
		return 0
	}
	return impl.argmax(x)
}

// argmaxRef is Argmax's specification: one scan keeping the first index of
// a strictly larger value.
func argmaxRef(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// argmaxGeneric is Argmax for len(x) > 0 and x[0] not NaN. A running
// (index, maximum) pair makes each element wait for the compare before it
// (the compiler turns the update into conditional moves: 2 ns an element
// here), so the maximum is found first, over four independent lanes, and
// then its first index.
func argmaxGeneric(x []float32) int {
	return firstEq(x, maxGeneric(x, x[0]))
}

// Max returns the largest of m and the elements of x, passing over NaNs.
func Max(x []float32, m float32) float32 { return impl.max(x, m) }

// maxGeneric is Max over four independent lanes.
func maxGeneric(x []float32, m float32) float32 {
	m0, m1, m2, m3 := m, m, m, m
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := (*[4]float32)(x[i : i+4])
		m0, m1, m2, m3 = maxNum(m0, v[0]), maxNum(m1, v[1]), maxNum(m2, v[2]), maxNum(m3, v[3])
	}
	for ; i < len(x); i++ {
		m0 = maxNum(m0, x[i])
	}
	return maxNum(maxNum(m0, m1), maxNum(m2, m3))
}

// maxNum is m, or v if v is larger (a NaN v is passed over).
func maxNum(m, v float32) float32 {
	if v > m {
		return v
	}
	return m
}

// firstEq is the first index of v in x (v is there).
func firstEq(x []float32, v float32) int {
	for i, u := range x {
		if u == v {
			return i
		}
	}
	return 0 // not reached
}
