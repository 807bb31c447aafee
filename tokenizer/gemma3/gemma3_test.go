package gemma3

import (
	"slices"
	"testing"
)

// The embedded tokenizer is Gemma 3's: its size, special ids and one
// encoding from the tokenizer package's golden file.
func TestEmbeddedTokenizer(t *testing.T) {
	tok, err := Tokenizer()
	if err != nil {
		t.Fatal(err)
	}
	v := tok.Vocab()
	if tok.Size() != 262145 || v.ModelSize != 262144 || v.BOS != 2 || v.EOS != 1 || v.PAD != 0 {
		t.Errorf("size %d, model size %d, bos/eos/pad %d/%d/%d; want 262145, 262144, 2/1/0",
			tok.Size(), v.ModelSize, v.BOS, v.EOS, v.PAD)
	}
	if got, want := tok.Encode("Hello world", true), []int32{2, 9259, 1902}; !slices.Equal(got, want) {
		t.Errorf("Encode(Hello world) = %v, want %v", got, want)
	}
}
