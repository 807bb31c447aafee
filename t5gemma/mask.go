package t5gemma

import "github.com/t5go/t5go/kernels"

// The attention masks, as small pure functions. Key ranges are half-open
// [lo, hi) and are clipped by the caller.

// encoderWindow is the bidirectional sliding window of an encoder layer with
// window w: key j is visible from query i when 0 <= i-j < (w+1)/2 or
// 0 < j-i < w/2+1 (transformers' sliding_window_mask_function, is_causal=False).
// For w = 512 that is [i-255, i+256].
func encoderWindow(i, w int) (lo, hi int) {
	return i - (w+1)/2 + 1, i + w/2 + 1
}

// decoderWindow is the causal sliding window of a decoder layer: the w most
// recent keys including the query itself.
func decoderWindow(i, w int) (lo, hi int) {
	return i - w + 1, i + 1
}

// validSpans turns a padding mask (1 = real token) into runs of real keys.
func validSpans(dst []kernels.Span, mask []int32) []kernels.Span {
	dst = dst[:0]
	for j := 0; j < len(mask); {
		if mask[j] == 0 {
			j++
			continue
		}
		k := j
		for k < len(mask) && mask[k] != 0 {
			k++
		}
		dst = append(dst, kernels.Span{Lo: j, Hi: k})
		j = k
	}
	return dst
}

// clipSpans appends to dst the parts of spans that fall inside [lo, hi).
func clipSpans(dst, spans []kernels.Span, lo, hi int) []kernels.Span {
	for _, s := range spans {
		a, b := max(s.Lo, lo), min(s.Hi, hi)
		if a < b {
			dst = append(dst, kernels.Span{Lo: a, Hi: b})
		}
	}
	return dst
}
