package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// LoadJSON reads a Hugging Face tokenizer.json file.
func LoadJSON(path string) (*Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer f.Close()
	t, err := FromJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return t, nil
}

type jsonFile struct {
	Version       string          `json:"version"`
	Truncation    json.RawMessage `json:"truncation"`
	Padding       json.RawMessage `json:"padding"`
	AddedTokens   []jsonAdded     `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Decoder       json.RawMessage `json:"decoder"`
	Model         *jsonModel      `json:"model"`
}

type jsonAdded struct {
	ID         int64  `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized *bool  `json:"normalized"`
	Special    bool   `json:"special"`
}

type jsonModel struct {
	Type                    string            `json:"type"`
	Dropout                 *float64          `json:"dropout"`
	UnkToken                *string           `json:"unk_token"`
	ContinuingSubwordPrefix *string           `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string           `json:"end_of_word_suffix"`
	FuseUnk                 *bool             `json:"fuse_unk"`
	ByteFallback            *bool             `json:"byte_fallback"`
	IgnoreMerges            *bool             `json:"ignore_merges"`
	Vocab                   map[string]uint32 `json:"vocab"`
	Merges                  json.RawMessage   `json:"merges"`
}

// typed is any pipeline component: its "type" plus the raw object.
type typed struct {
	Type string `json:"type"`
}

func isNull(m json.RawMessage) bool {
	m = bytes.TrimSpace(m)
	return len(m) == 0 || string(m) == "null"
}

// FromJSON parses a tokenizer.json. It supports a BPE model, Replace
// normalizers, a literal Split pre-tokenizer, a TemplateProcessing that
// adds at most one token before and after, and Replace / ByteFallback /
// Fuse decoders; anything else is an error that names it.
func FromJSON(r io.Reader) (*Tokenizer, error) {
	var f jsonFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("tokenizer.json: %w", err)
	}
	if f.Version != "1.0" {
		return nil, fmt.Errorf("tokenizer.json: version %q, want \"1.0\"", f.Version)
	}
	if !isNull(f.Truncation) {
		return nil, fmt.Errorf("tokenizer.json: truncation is not supported")
	}
	if !isNull(f.Padding) {
		return nil, fmt.Errorf("tokenizer.json: padding is not supported")
	}
	if f.Model == nil {
		return nil, fmt.Errorf("tokenizer.json: no model")
	}
	v, err := parseModel(f.Model)
	if err != nil {
		return nil, fmt.Errorf("tokenizer.json: model: %w", err)
	}
	if err := parseAdded(&v, f.AddedTokens, f.Model.Vocab); err != nil {
		return nil, fmt.Errorf("tokenizer.json: added_tokens: %w", err)
	}
	if v.Normalizer, err = parseNormalizer(f.Normalizer); err != nil {
		return nil, fmt.Errorf("tokenizer.json: normalizer: %w", err)
	}
	if err := parsePreTokenizer(&v, f.PreTokenizer); err != nil {
		return nil, fmt.Errorf("tokenizer.json: pre_tokenizer: %w", err)
	}
	if err := parseDecoder(&v, f.Decoder); err != nil {
		return nil, fmt.Errorf("tokenizer.json: decoder: %w", err)
	}
	ids := func(s string) int32 {
		if id, ok := f.Model.Vocab[s]; ok {
			return int32(id)
		}
		for _, a := range v.Added {
			if v.Tokens[a.ID] == s {
				return a.ID
			}
		}
		return -1
	}
	v.BOS, v.EOS, v.PAD = ids("<bos>"), ids("<eos>"), ids("<pad>")
	if err := parsePostProcessor(&v, f.PostProcessor, ids); err != nil {
		return nil, fmt.Errorf("tokenizer.json: post_processor: %w", err)
	}
	t, err := New(v)
	if err != nil {
		return nil, err
	}
	if err := t.Prepare(); err != nil {
		return nil, err
	}
	t.v.Scores = t.mergeScores()
	return t, nil
}

func parseModel(m *jsonModel) (Vocab, error) {
	var v Vocab
	if m.Type != "BPE" {
		return v, fmt.Errorf("type %q is not supported (only BPE)", m.Type)
	}
	if m.Dropout != nil && *m.Dropout != 0 {
		return v, fmt.Errorf("dropout %g is not supported", *m.Dropout)
	}
	if m.ContinuingSubwordPrefix != nil {
		return v, fmt.Errorf("continuing_subword_prefix is not supported")
	}
	if m.EndOfWordSuffix != nil {
		return v, fmt.Errorf("end_of_word_suffix is not supported")
	}
	v.FuseUnk = m.FuseUnk != nil && *m.FuseUnk
	v.ByteFallback = m.ByteFallback != nil && *m.ByteFallback
	v.IgnoreMerges = m.IgnoreMerges != nil && *m.IgnoreMerges
	n := len(m.Vocab)
	if n == 0 {
		return v, fmt.Errorf("empty vocab")
	}
	// One backing string for all tokens: no allocation per token.
	order := make([]string, n)
	seen := make([]bool, n)
	total := 0
	for s, id := range m.Vocab {
		if int(id) >= n || seen[id] {
			return v, fmt.Errorf("vocab ids are not 0..%d exactly once (id %d for %q)", n-1, id, s)
		}
		order[id], seen[id] = s, true
		total += len(s)
	}
	var b strings.Builder
	b.Grow(total)
	for _, s := range order {
		b.WriteString(s)
	}
	all := b.String()
	v.Tokens = make([]string, n)
	off := 0
	for i, s := range order {
		v.Tokens[i] = all[off : off+len(s)]
		off += len(s)
	}
	v.ModelSize = n
	v.UNK = -1
	if m.UnkToken != nil {
		if id, ok := m.Vocab[*m.UnkToken]; ok {
			v.UNK = int32(id)
		}
	}
	var err error
	v.Merges, err = parseMerges(m.Merges)
	return v, err
}

// parseMerges accepts both forms HF writes: [["a","b"], ...] and the legacy
// ["a b", ...] (lines starting with "#version" skipped).
func parseMerges(raw json.RawMessage) ([]string, error) {
	if isNull(raw) {
		return nil, fmt.Errorf("no merges")
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err == nil {
		out := make([]string, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return nil, fmt.Errorf("merge %d has %d parts", i, len(p))
			}
			if strings.Contains(p[0], " ") || strings.Contains(p[1], " ") {
				return nil, fmt.Errorf("merge %d %q: a token with a space cannot be stored as \"left right\"", i, p)
			}
			out[i] = p[0] + " " + p[1]
		}
		return out, nil
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		return nil, fmt.Errorf("merges are neither pairs nor strings: %w", err)
	}
	out := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, "#version") {
			out = append(out, l)
		}
	}
	return out, nil
}

// parseAdded assigns ids the way HF's add_tokens does: the model's id for
// the content, else the next id past the model vocabulary.
func parseAdded(v *Vocab, toks []jsonAdded, vocab map[string]uint32) error {
	next := int32(v.ModelSize)
	seen := map[string]bool{}
	for i, a := range toks {
		if a.Content == "" {
			continue // HF ignores empty added tokens
		}
		if a.Normalized == nil {
			return fmt.Errorf("token %d %q: no \"normalized\" field", i, a.Content)
		}
		if seen[a.Content] {
			return fmt.Errorf("token %d %q is listed twice", i, a.Content)
		}
		seen[a.Content] = true
		id := next
		if mid, ok := vocab[a.Content]; ok {
			id = int32(mid)
		} else {
			v.Tokens = append(v.Tokens, a.Content)
			next++
		}
		if a.ID != int64(id) {
			return fmt.Errorf("token %d %q has id %d, but HF tokenizers would give it id %d", i, a.Content, a.ID, id)
		}
		v.Added = append(v.Added, AddedToken{ID: id, Special: a.Special, Normalized: *a.Normalized,
			LStrip: a.LStrip, RStrip: a.RStrip, SingleWord: a.SingleWord})
	}
	return nil
}
