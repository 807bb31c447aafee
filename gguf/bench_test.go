package gguf

import (
	"fmt"
	"io"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// vocabImage is a file shaped like a T5Gemma 2 tokenizer header: 262144
// token strings, scores and types, plus one small tensor.
func vocabImage(b *testing.B) []byte {
	const n = 262144
	toks := make([]string, n)
	scores := make([]float32, n)
	types := make([]int32, n)
	for i := range toks {
		toks[i] = fmt.Sprintf("▁tok%d", i)
		scores[i] = float32(-i)
		types[i] = 1
	}
	return build(b, []KV{
		{"tokenizer.ggml.tokens", toks},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
	}, []testTensor{{"w", tensor.Q8_0, []int{640, 4}}}, 0)
}

func BenchmarkParseVocab(b *testing.B) {
	img := vocabImage(b)
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteChunks streams a 262144x640 Q8_0 embedding in 4096-row
// chunks to io.Discard.
func BenchmarkWriteChunks(b *testing.B) {
	const rows, chunkRows = 262144, 4096
	chunk := make([]byte, tensor.Q8_0.RowBytes(640)*chunkRows)
	b.SetBytes(int64(len(chunk) * rows / chunkRows))
	for b.Loop() {
		w := NewWriter(io.Discard)
		w.AddTensor("token_embd.weight", tensor.Q8_0, []int{640, rows})
		for range rows / chunkRows {
			if err := w.Write("token_embd.weight", chunk); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
