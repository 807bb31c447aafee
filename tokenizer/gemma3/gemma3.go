// Package gemma3 embeds the Gemma 3 tokenizer that T5Gemma 2 uses, so that
// tools can write complete model files (t5go synth) without a download.
//
// tokenizer.json.gz is the same file as ../testdata/tokenizer.json.gz (gzip
// -9 of the 34 MB tokenizer.json; see that folder's NOTE.md). go:embed cannot
// reach a parent folder, so the copy lives here; git stores one blob for both.
package gemma3

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sync"

	"github.com/t5go/t5go/tokenizer"
)

//go:embed tokenizer.json.gz
var gz []byte

var load = sync.OnceValues(func() (*tokenizer.Tokenizer, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("gemma3: embedded tokenizer: %w", err)
	}
	defer zr.Close()
	t, err := tokenizer.FromJSON(zr)
	if err != nil {
		return nil, fmt.Errorf("gemma3: embedded tokenizer: %w", err)
	}
	return t, nil
})

// Tokenizer parses the embedded tokenizer.json once and returns it. The
// result is shared: callers must not modify its Vocab.
func Tokenizer() (*tokenizer.Tokenizer, error) { return load() }
