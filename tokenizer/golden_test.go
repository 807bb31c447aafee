package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
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

// readJSONL decodes one JSON value per line of path (gunzipped when it ends
// in .gz).
func readJSONL[T any](tb testing.TB, path string) []T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	}
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var g T
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
		for i, id := range got {
			s := tok.Token(id)
			// HF's token for an added token is the text it matched: with
			// lstrip/rstrip the whitespace too, normalized ones normalized.
			if i < len(g.TokensNoSpecial) && tok.looseAdded(id) {
				s = g.TokensNoSpecial[i]
			}
			toks = append(toks, s)
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
	t.Logf("%d lines checked", len(lines))
}

// looseAdded reports an added token whose HF token string may differ from
// its vocabulary string.
func (t *Tokenizer) looseAdded(id int32) bool {
	for _, a := range t.v.Added {
		if a.ID == id {
			return a.LStrip || a.RStrip || a.Normalized
		}
	}
	return false
}

func trunc(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "..."
	}
	return s
}

func TestGolden(t *testing.T) {
	checkGolden(t, loadGemma(t), readJSONL[goldenLine](t, "testdata/golden.jsonl"))
}

// TestGoldenExtra: 1294 strings the shared set lacks (testdata/NOTE.md).
func TestGoldenExtra(t *testing.T) {
	checkGolden(t, loadGemma(t), readJSONL[goldenLine](t, "testdata/golden_extra.jsonl.gz"))
}

// TestDecodeGolden: random id sequences, byte runs valid and not, ids past
// the vocabulary.
func TestDecodeGolden(t *testing.T) {
	tok := loadGemma(t)
	type line struct {
		IDs                []int32 `json:"ids"`
		Decoded            string  `json:"decoded"`
		DecodedSkipSpecial string  `json:"decoded_skip_special"`
	}
	for i, g := range readJSONL[line](t, "testdata/decode_golden.jsonl") {
		if s := tok.Decode(g.IDs, false); s != g.Decoded {
			t.Errorf("line %d %v: decode\n got %q\nwant %q", i+1, g.IDs, s, g.Decoded)
		}
		if s := tok.Decode(g.IDs, true); s != g.DecodedSkipSpecial {
			t.Errorf("line %d %v: decode skip special\n got %q\nwant %q", i+1, g.IDs, s, g.DecodedSkipSpecial)
		}
	}
}

// TestToValidUTF8 compares with Python's bytes.decode("utf-8", "replace").
func TestToValidUTF8(t *testing.T) {
	type line struct{ Hex, Text string }
	for i, g := range readJSONL[line](t, "testdata/utf8_lossy.jsonl") {
		b, err := hex.DecodeString(g.Hex)
		if err != nil {
			t.Fatal(err)
		}
		if s := ToValidUTF8(string(b)); s != g.Text {
			t.Errorf("line %d %s: got %q want %q", i+1, g.Hex, s, g.Text)
		}
	}
}
