package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"slices"
	"sync"
	"testing"
)

// gemma loads testdata/tokenizer.json.gz once per test binary.
var gemma = sync.OnceValues(func() (*Tokenizer, error) {
	f, err := os.Open("testdata/tokenizer.json.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return FromJSON(zr)
})

func loadGemma(tb testing.TB) *Tokenizer {
	tb.Helper()
	t, err := gemma()
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

type goldenLine struct {
	Text               string   `json:"text"`
	IDs                []int32  `json:"ids"`
	IDsNoSpecial       []int32  `json:"ids_no_special"`
	TokensNoSpecial    []string `json:"tokens_no_special"`
	Decoded            string   `json:"decoded"`
	DecodedWithSpecial string   `json:"decoded_with_special"`
	DecodedSkipSpecial string   `json:"decoded_skip_special"`
}

func readGolden(tb testing.TB, path string) []goldenLine {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []goldenLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var g goldenLine
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			tb.Fatalf("%s:%d: %v", path, len(out)+1, err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// checkGolden compares every field of every line; it reports at most a few
// failures per field.
func checkGolden(t *testing.T, tok *Tokenizer, lines []goldenLine) {
	t.Helper()
	bad := 0
	for i, g := range lines {
		fail := func(field string, got, want any) {
			bad++
			if bad <= 10 {
				t.Errorf("line %d %q: %s\n got %v\nwant %v", i+1, trunc(g.Text), field, got, want)
			}
		}
		if got := tok.Encode(g.Text, true); !slices.Equal(got, g.IDs) {
			fail("ids", got, g.IDs)
		}
		got := tok.Encode(g.Text, false)
		if !slices.Equal(got, g.IDsNoSpecial) {
			fail("ids_no_special", got, g.IDsNoSpecial)
		}
		var toks []string
		for _, id := range got {
			toks = append(toks, tok.Token(id))
		}
		if !slices.Equal(toks, g.TokensNoSpecial) && !(len(toks) == 0 && len(g.TokensNoSpecial) == 0) {
			fail("tokens_no_special", toks, g.TokensNoSpecial)
		}
		if s := tok.Decode(g.IDsNoSpecial, false); s != g.Decoded {
			fail("decoded", s, g.Decoded)
		}
		if s := tok.Decode(g.IDs, false); s != g.DecodedWithSpecial {
			fail("decoded_with_special", s, g.DecodedWithSpecial)
		}
		if s := tok.Decode(g.IDs, true); s != g.DecodedSkipSpecial {
			fail("decoded_skip_special", s, g.DecodedSkipSpecial)
		}
	}
	if bad > 0 {
		t.Errorf("%d mismatches in %d lines", bad, len(lines))
	}
}

func trunc(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "..."
	}
	return s
}

func TestGolden(t *testing.T) {
	checkGolden(t, loadGemma(t), readGolden(t, "testdata/golden.jsonl"))
}
