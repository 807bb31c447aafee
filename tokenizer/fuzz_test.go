package tokenizer

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// plain is the Gemma tokenizer without the cut before '▁' and without the
// word cache: BPE over whole pieces, as HF runs it. Encode must agree.
var plain = sync.OnceValues(func() (*Tokenizer, error) {
	g, err := gemma()
	if err != nil {
		return nil, err
	}
	t, err := New(g.Vocab())
	if err != nil {
		return nil, err
	}
	e := t.encoder()
	e.spaceSplit, e.noCache = false, true
	return t, e.err
})

// checkRoundTrip: every id is in range, the text comes back (with '▁' as
// ' ', since the normalizer and decoder map ' ' and '▁' to each other, and
// invalid UTF-8 repaired), and the optimized encoder matches plain BPE.
func checkRoundTrip(t *testing.T, tok, ref *Tokenizer, s string) {
	ids := tok.Encode(s, false)
	for _, id := range ids {
		if id < 0 || int(id) >= tok.Size() {
			t.Fatalf("%q: id %d out of range", s, id)
		}
	}
	want := strings.ReplaceAll(ToValidUTF8(s), "\u2581", " ")
	if got := tok.Decode(ids, false); got != want {
		t.Fatalf("%q: decode(encode) = %q, want %q", s, got, want)
	}
	if r := ref.Encode(s, false); !slices.Equal(r, ids) {
		t.Fatalf("%q: encode %v, plain BPE %v", s, ids, r)
	}
	if b := tok.Encode(s, true); len(b) != len(ids)+1 || b[0] != tok.Vocab().BOS || !slices.Equal(b[1:], ids) {
		t.Fatalf("%q: with special tokens %v, without %v", s, b, ids)
	}
}

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{"", " ", "\u2581", "a\u2581b", "x> </y", ">\u2581</", "<bos>", "<0x41>", "\xff\xfe", "\xe2\x96",
		"é\xcc", "  \n\n\t <start_of_image> ", strings.Repeat("ab ", 200)} {
		f.Add(s)
	}
	for _, path := range []string{"testdata/golden.jsonl", "testdata/golden_extra.jsonl.gz"} {
		for _, g := range readJSONL[goldenLine](f, path) {
			f.Add(g.Text)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	fuzzSeeds(f)
	tok := loadGemma(f)
	ref, err := plain()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) { checkRoundTrip(t, tok, ref, s) })
}

// FuzzDecode: any ids (negative, past the vocabulary, byte tokens in any
// order) decode without panicking to valid UTF-8.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 0, 2, 0x03, 0xE8, 0x10, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0, 1, 0x5F, 0, 1, 0x60})
	tok := loadGemma(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var ids []int32
		for i := 0; i+2 < len(b); i += 3 {
			id := int32(b[i])<<16 | int32(b[i+1])<<8 | int32(b[i+2])
			if b[i]&0x80 != 0 {
				id = -id
			} else if b[i] < 4 {
				id = 238 + id%256 // mostly byte tokens <0x00>..<0xFF> (ids 238..493)
			}
			ids = append(ids, id)
		}
		for _, skip := range []bool{false, true} {
			if s := tok.Decode(ids, skip); !utf8.ValidString(s) {
				t.Fatalf("%v: decode gives invalid UTF-8 %q", ids, s)
			}
		}
	})
}
