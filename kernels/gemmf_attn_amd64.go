//go:build amd64 && !purego

package kernels

// colSoftmaxArch runs the selected tier's column softmax when its width is
// the tier's tile width (checked by colSoftmax) and reports whether it did.
func colSoftmaxArch(s []float32, rows, W int, sum []float32) bool {
	switch {
	case impl.isa == "avx512" && W == 32:
		colSoftmax32AVX512(s, rows, sum)
	case impl.isa == "avx2" && W == 16:
		colSoftmax16AVX2(s, rows, sum)
	default:
		return false
	}
	return true
}

// gemmFAccFor is the accumulating twin of tb's float tile kernel, or nil.
func gemmFAccFor(tb *table) gemmFFunc {
	switch {
	case tb.isa == "avx512" && tb.gemmFRows == 32 && tb.gemmFToks == 12:
		return gemmFAcc32x12AVX512
	case tb.isa == "avx2" && tb.gemmFRows == 16 && tb.gemmFToks == 6:
		return gemmFAcc16x6AVX2
	}
	return nil
}
