package tokenizer

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/t5go/t5go/gguf"
)

// TestVariants: small tokenizer.json files with the features Gemma does
// not use (testdata/variants, made by gen_variants.py), against HF goldens,
// loaded from JSON and after a GGUF round trip.
func TestVariants(t *testing.T) {
	files, err := filepath.Glob("testdata/variants/*.golden.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no variants: %v", err)
	}
	for _, gold := range files {
		name := strings.TrimSuffix(filepath.Base(gold), ".golden.jsonl")
		t.Run(name, func(t *testing.T) {
			tok, err := LoadJSON(filepath.Join("testdata/variants", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			lines := readJSONL[goldenLine](t, gold)
			checkGolden(t, tok, lines)
			var buf bytes.Buffer
			w := gguf.NewWriter(&buf)
			if err := WriteGGUF(w, tok.Vocab()); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := gguf.Parse(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			back, err := FromGGUF(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := back.Prepare(); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, back, lines)
		})
	}
}
