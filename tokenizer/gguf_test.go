package tokenizer

import (
	"bytes"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/t5go/t5go/gguf"
)

// gemmaGGUF is the Gemma tokenizer written to an in-memory GGUF image.
var gemmaGGUF = sync.OnceValues(func() ([]byte, error) {
	tok, err := gemma()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := gguf.NewWriter(&buf)
	if err := WriteGGUF(w, tok.Vocab()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

func loadGGUF(tb testing.TB) *Tokenizer {
	tb.Helper()
	data, err := gemmaGGUF()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := gguf.Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := FromGGUF(f)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// TestGGUFRoundTrip: tokenizer.json -> GGUF -> tokenizer gives the same
// Vocab and passes every golden line.
func TestGGUFRoundTrip(t *testing.T) {
	want := loadGemma(t)
	got := loadGGUF(t)
	if err := got.Prepare(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normVocab(got.Vocab()), normVocab(want.Vocab())) {
		t.Fatal("vocab differs after the GGUF round trip")
	}
	checkGolden(t, got, readJSONL[goldenLine](t, "testdata/golden.jsonl"))
	checkGolden(t, got, readJSONL[goldenLine](t, "testdata/golden_extra.jsonl.gz"))
}

// normVocab maps empty slices to nil for comparison.
func normVocab(v Vocab) Vocab {
	if len(v.Normalizer) == 0 {
		v.Normalizer = nil
	}
	if len(v.DecodeReplace) == 0 {
		v.DecodeReplace = nil
	}
	return v
}

// TestGGUFErrors: damaged metadata gives an error naming the problem.
func TestGGUFErrors(t *testing.T) {
	v := loadGemma(t).Vocab()
	cases := []struct {
		name string
		edit func(kvs map[string]any)
		want string // in the FromGGUF or Prepare error
	}{
		{"no version", func(k map[string]any) { delete(k, keyVersion) }, "not written by t5go"},
		{"bad version", func(k map[string]any) { k[keyVersion] = uint32(7) }, "want 1"},
		{"no tokens", func(k map[string]any) { delete(k, keyTokens) }, keyTokens},
		{"scores short", func(k map[string]any) { k[keyScores] = []float32{1} }, "1 scores"},
		{"flags", func(k map[string]any) { k[keyAddedFlags] = append([]int32{64}, k[keyAddedFlags].([]int32)[1:]...) }, "unknown flags"},
		{"model size", func(k map[string]any) { k[keyModelSize] = uint32(len(v.Tokens) + 1) }, "model size"},
		{"behavior", func(k map[string]any) { k[keySplitBeh] = "Sideways" }, "split behavior"},
		{"merge id range", func(k map[string]any) {
			ids := append([]int32(nil), k[keyMergeIDs].([]int32)...)
			ids[4] = 1 << 30
			k[keyMergeIDs] = ids
		}, "outside the model vocabulary"},
		{"merge id wrong", func(k map[string]any) {
			ids := append([]int32(nil), k[keyMergeIDs].([]int32)...)
			ids[3], ids[4] = ids[4], ids[3]
			k[keyMergeIDs] = ids
		}, "stored ids"},
		{"merge ids count", func(k map[string]any) { k[keyMergeIDs] = []int32{1, 2} }, "merge ids"},
		{"odd replace", func(k map[string]any) { k[keyNormalizer] = []string{" "} }, "odd number"},
	}
	data, err := gemmaGGUF()
	if err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kvs := map[string]any{}
			var order []string
			for _, kv := range f.KVs() {
				kvs[kv.Key] = kv.Value
				order = append(order, kv.Key)
			}
			c.edit(kvs)
			var buf bytes.Buffer
			w := gguf.NewWriter(&buf)
			for _, k := range order {
				if x, ok := kvs[k]; ok {
					if err := w.SetKV(k, x); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			g, err := gguf.Parse(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			tok, err := FromGGUF(g)
			if err == nil {
				err = tok.Prepare()
				tok.Encode("hello world", true) // must not panic
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// BenchmarkLoadGGUF: parse the GGUF metadata and build the tokenizer.
func BenchmarkLoadGGUF(b *testing.B) {
	data, err := gemmaGGUF()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := gguf.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := FromGGUF(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromGGUF: FromGGUF alone on a parsed file.
func BenchmarkFromGGUF(b *testing.B) {
	data, err := gemmaGGUF()
	if err != nil {
		b.Fatal(err)
	}
	f, err := gguf.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromGGUF(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstEncode: FromGGUF then the first Encode, which builds the
// merge table and the other encoder tables (the lazy part of loading).
func BenchmarkFirstEncode(b *testing.B) {
	data, err := gemmaGGUF()
	if err != nil {
		b.Fatal(err)
	}
	f, err := gguf.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tok, err := FromGGUF(f)
		if err != nil {
			b.Fatal(err)
		}
		tok.Encode("hello", true)
	}
}

// BenchmarkMemory reports the heap the Gemma tokenizer holds: after
// FromGGUF on a parsed file (the file's metadata not counted), and after
// the encoder tables are built.
func BenchmarkMemory(b *testing.B) {
	data, err := gemmaGGUF()
	if err != nil {
		b.Fatal(err)
	}
	f, err := gguf.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var loaded, ready float64
	for b.Loop() {
		h0 := heap()
		tok, err := FromGGUF(f)
		if err != nil {
			b.Fatal(err)
		}
		h1 := heap()
		tok.Encode("hello", true)
		h2 := heap()
		loaded, ready = float64(h1-h0)/1e6, float64(h2-h0)/1e6
		runtime.KeepAlive(tok)
	}
	b.ReportMetric(loaded, "MB-loaded")
	b.ReportMetric(ready, "MB-encoder")
}
