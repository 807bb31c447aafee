package t5gemma

import (
	"slices"
	"testing"

	"github.com/t5go/t5go/kernels"
)

// The encoder window must equal transformers' sliding_window_mask_function
// (is_causal=False), written out here the way transformers writes it.
func TestEncoderWindowMatchesReference(t *testing.T) {
	ref := func(i, j, w int) bool {
		left, right := (w+1)/2, w/2+1
		d := i - j
		return (d >= 0 && d < left) || (d < 0 && -d < right)
	}
	for _, w := range []int{1, 2, 3, 4, 7, 8, 16, 511, 512, 1024} {
		for i := range 40 {
			lo, hi := encoderWindow(i, w)
			for j := -1100; j < 1100; j++ {
				if got := j >= lo && j < hi; got != ref(i, j, w) {
					t.Fatalf("w=%d i=%d j=%d: window [%d,%d) says %v", w, i, j, lo, hi, got)
				}
			}
		}
	}
	if lo, hi := encoderWindow(1000, 512); lo != 745 || hi != 1257 {
		t.Errorf("w=512: [%d,%d), want [745,1257) (i-255 .. i+256)", lo, hi)
	}
}

func TestDecoderWindow(t *testing.T) {
	for _, tc := range []struct{ i, w, lo, hi int }{{0, 4, -3, 1}, {10, 4, 7, 11}, {10, 1, 10, 11}} {
		if lo, hi := decoderWindow(tc.i, tc.w); lo != tc.lo || hi != tc.hi {
			t.Errorf("decoderWindow(%d,%d) = [%d,%d), want [%d,%d)", tc.i, tc.w, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestSpans(t *testing.T) {
	sp := func(s ...int) []kernels.Span {
		var out []kernels.Span
		for i := 0; i < len(s); i += 2 {
			out = append(out, kernels.Span{Lo: s[i], Hi: s[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		mask []int32
		want []kernels.Span
	}{
		{[]int32{1, 1, 1}, sp(0, 3)},
		{[]int32{0, 0, 1, 1}, sp(2, 4)},
		{[]int32{1, 1, 0}, sp(0, 2)},
		{[]int32{1, 0, 1, 0, 1}, sp(0, 1, 2, 3, 4, 5)},
		{[]int32{0, 0}, nil},
	} {
		if got := validSpans(nil, tc.mask); !slices.Equal(got, tc.want) {
			t.Errorf("validSpans(%v) = %v, want %v", tc.mask, got, tc.want)
		}
	}
	if got := clipSpans(nil, sp(0, 1, 2, 3, 4, 10), 2, 6); !slices.Equal(got, sp(2, 3, 4, 6)) {
		t.Errorf("clipSpans = %v", got)
	}

}
