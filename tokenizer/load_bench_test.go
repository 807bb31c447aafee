package tokenizer

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"
)

func readJSONBytes(tb testing.TB) []byte {
	f, err := os.Open("testdata/tokenizer.json.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkFromJSON: parsing the 34 MB Gemma 3 tokenizer.json.
func BenchmarkFromJSON(b *testing.B) {
	data := readJSONBytes(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := FromJSON(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew: building a tokenizer from a ready Vocab (what FromGGUF does
// after reading the arrays).
func BenchmarkNew(b *testing.B) {
	v := loadGemma(b).Vocab()
	v.Scores, v.Types = nil, nil
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(v); err != nil {
			b.Fatal(err)
		}
	}
}
