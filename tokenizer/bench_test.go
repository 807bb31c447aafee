package tokenizer

import (
	"testing"
)

// benchCorpus is the text of both golden sets: ~40 scripts, code, numbers,
// emoji, whitespace runs, special tokens. bench/hf_throughput.py times HF
// tokenizers on the same strings.
func benchCorpus(tb testing.TB) ([]string, int) {
	var texts []string
	n := 0
	for _, path := range []string{"testdata/golden.jsonl", "testdata/golden_extra.jsonl.gz"} {
		for _, g := range readJSONL[goldenLine](tb, path) {
			texts = append(texts, g.Text)
			n += len(g.Text)
		}
	}
	return texts, n
}

// BenchmarkEncode encodes the corpus one string at a time, as HF's
// encode(text) does; MB/s is of UTF-8 input.
func BenchmarkEncode(b *testing.B) {
	tok := loadGemma(b)
	texts, n := benchCorpus(b)
	b.SetBytes(int64(n))
	b.ReportAllocs()
	tokens := 0
	for b.Loop() {
		tokens = 0
		for _, s := range texts {
			tokens += len(tok.Encode(s, true))
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkEncodeCold is BenchmarkEncode with an empty word cache each
// round: the cost of BPE itself.
func BenchmarkEncodeCold(b *testing.B) {
	tok := loadGemma(b)
	texts, n := benchCorpus(b)
	b.SetBytes(int64(n))
	e := tok.encoder()
	tokens := 0
	for b.Loop() {
		e.cache.init()
		tokens = 0
		for _, s := range texts {
			tokens += len(tok.Encode(s, true))
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkDecode(b *testing.B) {
	tok := loadGemma(b)
	texts, n := benchCorpus(b)
	var ids [][]int32
	for _, s := range texts {
		ids = append(ids, tok.Encode(s, true))
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, x := range ids {
			tok.Decode(x, true)
		}
	}
}
