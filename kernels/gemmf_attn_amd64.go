//go:build amd64 && !purego

package kernels

// colSoftmaxArch runs the selected tier's column softmax when its width is
// the tier's tile width (checked by colSoftmax) and reports whether it did.
func colSoftmaxArch(s []float32, rows, W int, sum []float32) bool {
	switch {
	case impl.name == "avx512" && W == 32:
		colSoftmax32AVX512(s, rows, sum)
	case impl.name == "avx2" && W == 16:
		colSoftmax16AVX2(s, rows, sum)
	default:
		return false
	}
	return true
}
