package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/t5go/t5go/internal/testcase"
)

// capture runs fn with os.Stdout going to a pipe and returns what it wrote.
func capture(t *testing.T, fn func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	runErr := fn()
	w.Close()
	os.Stdout = old
	return <-done, runErr
}

// t5go convert then t5go generate --json on golden prompts: greedy output
// equals transformers' generated ids.
func TestCLIGenerateMatchesGolden(t *testing.T) {
	dir := testcase.Unpack(t, "b_text_sliding_batch")
	testcase.TinyTokenizer(t, dir, 500) // 500: an id the case never uses
	model := filepath.Join(t.TempDir(), "b.gguf")
	if _, err := capture(t, func() error { return runConvert([]string{dir, "-o", model, "--type", "f32"}) }); err != nil {
		t.Fatal(err)
	}
	inputs := testcase.Ints(t, dir, "input_ids")
	gen := testcase.Ints(t, dir, "generated_ids")
	for i, row := range inputs {
		var prompt strings.Builder
		for _, id := range row { // pads and BOS are not text
			if id != 0 && id != 2 {
				prompt.WriteString(testcase.Spell(id))
			}
		}
		out, err := capture(t, func() error {
			return runGenerate([]string{"-m", model, "-p", prompt.String(), "-n", strconv.Itoa(len(gen[i]) - 1), "--json", "-t", "2"})
		})
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			IDs []int32 `json:"ids"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		if !slices.Equal(res.IDs, gen[i][1:]) {
			t.Errorf("row %d: t5go generate gave %v, transformers %v", i, res.IDs, gen[i][1:])
		}
	}
}

func TestBadFlagsAreOneClearLine(t *testing.T) {
	for _, tc := range []struct {
		run  func([]string) error
		args []string
		want string
	}{
		{runGenerate, []string{"-p", "x"}, "missing -m"},
		{runGenerate, []string{"-m", "x.gguf", "-n", "0", "-p", "x"}, "-n 0"},
		{runGenerate, []string{"-m", "x.gguf", "--bogus"}, "flag provided but not defined: -bogus"},
		{runGenerate, []string{"-m", "x.gguf", "-n", "many"}, "invalid value"},
		{runConvert, []string{"dir"}, "missing -o"},
		{runConvert, []string{"dir", "-o", "x.gguf", "--type", "q5_k"}, "unknown tensor type"},
		{runEmbed, []string{"-m", "x.gguf", "--pool", "max", "-p", "x"}, "--pool"},
		{runCheck, []string{}, "exactly one case folder"},
	} {
		err := tc.run(tc.args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line usage error containing %q", tc.args, err, tc.want)
		}
	}
	if err := runGenerate([]string{"-m", filepath.Join(t.TempDir(), "missing.gguf"), "-p", "x"}); err == nil || !strings.Contains(err.Error(), "missing.gguf") {
		t.Errorf("a missing model: %v", err)
	}
}

// t5go tokenize on the real Gemma 3 tokenizer (gzipped in tokenizer/testdata)
// prints the golden ids, from tokenizer.json and with --jsonl.
func TestCLITokenize(t *testing.T) {
	zf, err := os.Open("../../tokenizer/testdata/tokenizer.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer zf.Close()
	zr, err := gzip.NewReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tokenizer.json")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	out.Close()
	text := "The quick brown fox jumps over the lazy dog."
	want := "2 818 3823 8864 37423 38167 1024 506 31770 4799 236761"
	got, err := capture(t, func() error { return runTokenize([]string{"--vocab", path, text}) })
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range strings.Fields(want) {
		if !strings.Contains(got, id) {
			t.Fatalf("tokenize printed %q, want the ids %s", got, want)
		}
	}
	if err := runTokenize([]string{text}); err == nil {
		t.Error("missing --vocab should be an error")
	}
}
