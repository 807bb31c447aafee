package kernels

// ExpSum sets x[i] = exp(x[i] - m) and returns their sum, with the selected
// tier's vectorised exponential (the softmax step of blocked attention).
// Callers pass m >= max(x), so every result is in (0, 1].
func ExpSum(x []float32, m float32) float32 { return impl.expSum(x, m) }
