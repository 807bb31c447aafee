package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/tokenizer"
)

func init() {
	register("tokenize", "encode text with a tokenizer.json or GGUF vocabulary", runTokenize)
}

func runTokenize(args []string) error {
	fs := newFlags("tokenize", "--vocab PATH [--no-special] TEXT | --vocab PATH --jsonl < in.jsonl")
	vocab := fs.String("vocab", "", "tokenizer.json or .gguf file (required)")
	noSpecial := fs.Bool("no-special", false, "do not add the template's special tokens (<bos>)")
	jsonl := fs.Bool("jsonl", false, `read JSON lines {"text": ...} on stdin, write {"ids", "ids_no_special"} lines`)
	pos, err := parseFlags(fs, args) // flags may also follow TEXT
	if err != nil {
		return err
	}
	if *vocab == "" {
		return usageError{"--vocab is required"}
	}
	if *jsonl && len(pos) > 0 {
		return usageError{"--jsonl reads stdin and takes no TEXT"}
	}
	if !*jsonl && len(pos) != 1 {
		return usageError{fmt.Sprintf("want one TEXT argument (quote it), got %d", len(pos))}
	}
	tok, err := loadTokenizer(*vocab)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	if *jsonl {
		err = tokenizeJSONL(tok, os.Stdin, out)
	} else {
		printTokens(out, tok, tok.Encode(pos[0], !*noSpecial))
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

// loadTokenizer reads a GGUF file (by its magic) or a tokenizer.json.
func loadTokenizer(path string) (*tokenizer.Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	magic := make([]byte, 4)
	_, err = io.ReadFull(f, magic)
	f.Close()
	if err == nil && string(magic) == "GGUF" {
		g, err := gguf.Open(path)
		if err != nil {
			return nil, err
		}
		defer g.Close()
		return tokenizer.FromGGUF(g)
	}
	return tokenizer.LoadJSON(path)
}

// printTokens writes the ids on one line, then one "id piece" line per
// token with the piece quoted so that whitespace shows.
func printTokens(w io.Writer, tok *tokenizer.Tokenizer, ids []int32) {
	for i, id := range ids {
		if i > 0 {
			fmt.Fprint(w, " ")
		}
		fmt.Fprint(w, id)
	}
	fmt.Fprintln(w)
	for _, id := range ids {
		fmt.Fprintf(w, "%7d  %q\n", id, tok.Token(id))
	}
}

func tokenizeJSONL(tok *tokenizer.Tokenizer, in io.Reader, w io.Writer) error {
	r := bufio.NewReaderSize(in, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var rec struct {
				Text *string `json:"text"`
			}
			if jerr := json.Unmarshal(line, &rec); jerr != nil {
				return fmt.Errorf("stdin line %d: %v", n, jerr)
			}
			if rec.Text == nil {
				return fmt.Errorf("stdin line %d: no \"text\" field", n)
			}
			out := struct {
				IDs          []int32 `json:"ids"`
				IDsNoSpecial []int32 `json:"ids_no_special"`
			}{tok.Encode(*rec.Text, true), tok.Encode(*rec.Text, false)}
			if werr := enc.Encode(out); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
	}
}
