package kernels

// Argmax returns the index of the first largest value of x (as torch.argmax
// does), or 0 for an empty x. The LM head's logits go through it once per
// greedy step.
func Argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
