package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// The same seed gives the same bytes, another seed other bytes; the file is
// marked synthetic and loads.
func TestSynthesizeDeterministic(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, seed uint64) []byte {
		p := filepath.Join(dir, name)
		if err := Synthesize(p, tinyConfig(512), SynthOptions{Type: tensor.Q4_0, Seed: seed, NoTokenizer: true}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := write("a.gguf", 1), write("b.gguf", 1), write("c.gguf", 2)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different files")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same file")
	}
	f, err := gguf.Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Bool(t5gemma.Arch + ".synthetic"); err != nil || !v {
		t.Errorf("synthetic marker %v, %v", v, err)
	}
	if _, err := t5gemma.FromGGUF(f); err != nil {
		t.Error(err)
	}
	err = Synthesize(filepath.Join(dir, "a.gguf"), tinyConfig(512), SynthOptions{Type: tensor.Q4_0, NoTokenizer: true})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwriting without Force: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// With the tokenizer (vocabulary of the real size, tiny layers): the file
// carries Gemma 3's tokenizer and Load finds it.
func TestSynthesizeTokenizer(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the 34 MB tokenizer.json")
	}
	p := filepath.Join(t.TempDir(), "tok.gguf")
	c := tinyConfig(262144)
	c.Vision = nil
	if err := Synthesize(p, c, SynthOptions{Type: tensor.Q8_0}); err != nil {
		t.Fatal(err)
	}
	m, err := t5gemma.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Tokenizer == nil {
		t.Fatal("no tokenizer in the synthetic file")
	}
	if got := m.Tokenizer.Encode("Hello world", true); len(got) != 3 || got[0] != 2 {
		t.Errorf("Encode(Hello world) = %v", got)
	}
	st, _ := os.Stat(p)
	if est := FileBytes(c, tensor.Q8_0); est < st.Size() || est > st.Size()+tokenizerFileBytes {
		t.Errorf("estimated %d bytes for a file of %d", est, st.Size())
	}
}

// FileBytes is never below the real size and above it by at most the
// tokenizer allowance.
func TestFileBytes(t *testing.T) {
	for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0} {
		p := tinyFile(t, typ)
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		est := FileBytes(tinyConfig(512), typ)
		if est < st.Size() || est > st.Size()+tokenizerFileBytes {
			t.Errorf("%v: estimated %d bytes for a file of %d", typ, est, st.Size())
		}
	}
}

// The cache makes a model once and reuses it; a damaged file is made again.
func TestCachedSynthetic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "m.gguf")
	c := tinyConfig(512)
	opt := SynthOptions{Type: tensor.Q8_0, NoTokenizer: true} // the tokenizer needs the real vocabulary
	made, err := cachedSynthetic(path, c, opt)
	if err != nil || !made {
		t.Fatalf("first call: made %v, %v", made, err)
	}
	st0, _ := os.Stat(path)
	if made, err = cachedSynthetic(path, c, opt); err != nil || made {
		t.Fatalf("second call: made %v, %v", made, err)
	}
	if st1, _ := os.Stat(path); !st1.ModTime().Equal(st0.ModTime()) {
		t.Error("the cached file was rewritten")
	}
	if made, _ := cachedSynthetic(path, c, SynthOptions{Type: tensor.Q4_0, NoTokenizer: true}); !made {
		t.Error("a Q8_0 file was reused for Q4_0")
	}
	if made, err = cachedSynthetic(path, c, opt); err != nil || !made {
		t.Fatalf("back to Q8_0: made %v, %v", made, err)
	}
	st0, _ = os.Stat(path)
	if err := os.WriteFile(path, []byte("GGUF damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if made, err = cachedSynthetic(path, c, opt); err != nil || !made {
		t.Fatalf("damaged file: made %v, %v", made, err)
	}
}
