package tokenizer

import "fmt"

// Token types, as llama.cpp stores them in tokenizer.ggml.token_type.
const (
	TypeNormal      int32 = 1
	TypeUnknown     int32 = 2
	TypeControl     int32 = 3 // special added tokens
	TypeUserDefined int32 = 4 // added tokens that are not special
	TypeUnused      int32 = 5
	TypeByte        int32 = 6 // <0xNN> byte-fallback tokens
)

// AddedToken is one entry of tokenizer.json's added_tokens; its content is
// Vocab.Tokens[ID].
type AddedToken struct {
	ID         int32
	Special    bool // skipped by Decode(ids, true)
	Normalized bool // matched in the normalized text instead of the raw text
	LStrip     bool // also swallows whitespace on its left
	RStrip     bool // also swallows whitespace on its right
	SingleWord bool // only matches when not inside a word
}

// Replace is a literal string replacement (a Replace normalizer or decoder
// with a String pattern).
type Replace struct{ Old, New string }

// SplitBehavior is what a Split pre-tokenizer does with the delimiter.
type SplitBehavior uint8

// The Split behaviours of HF tokenizers; SplitNone means no pre-tokenizer.
const (
	SplitNone SplitBehavior = iota
	SplitRemoved
	SplitIsolated
	SplitMergedWithPrevious
	SplitMergedWithNext
	SplitContiguous
)

var splitNames = [...]string{"", "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"}

func (b SplitBehavior) String() string {
	if int(b) < len(splitNames) {
		return splitNames[b]
	}
	return fmt.Sprintf("SplitBehavior(%d)", b)
}

func parseSplitBehavior(s string) (SplitBehavior, bool) {
	for i, n := range splitNames {
		if i > 0 && n == s {
			return SplitBehavior(i), true
		}
	}
	return 0, false
}

// Vocab is everything needed to rebuild a tokenizer; it is what a GGUF file
// stores. Slices may be shared with the Tokenizer: do not modify them.
type Vocab struct {
	Tokens []string  // by id
	Scores []float32 // by id; informative only (from JSON: -(1+rank) of the first merge making the token, 0 if none)
	Types  []int32   // by id; llama.cpp token types (TypeNormal ...)
	Merges []string  // "left right", by rank

	BOS, EOS, PAD, UNK int32 // -1 when absent
	AddBOS, AddEOS     bool  // what Encode(text, true) adds around the text

	// ModelSize: ids [0, ModelSize) are the BPE model's vocabulary; ids from
	// ModelSize on exist only as added tokens.
	ModelSize int
	Added     []AddedToken // in tokenizer.json order

	ByteFallback bool // unknown characters become <0xNN> tokens
	FuseUnk      bool // consecutive unknown characters make one UNK
	IgnoreMerges bool // a piece found whole in the vocabulary is one token

	Normalizer    []Replace     // applied in order to the text outside added tokens
	Split         string        // pre-tokenizer: literal delimiter ("" with SplitNone)
	SplitBehavior SplitBehavior // what happens to the delimiter
	SplitInvert   bool          // the delimiter pattern is inverted

	DecodeReplace      []Replace // applied to each token's text on decode, in order
	DecodeByteFallback bool      // runs of <0xNN> tokens decode to their bytes
}

// check validates the parts of v that need no lookup tables.
func (v *Vocab) check() error {
	n := len(v.Tokens)
	if n == 0 {
		return fmt.Errorf("tokenizer: empty vocabulary")
	}
	if n > 1<<31-2 {
		return fmt.Errorf("tokenizer: %d tokens is too many", n)
	}
	if v.Scores != nil && len(v.Scores) != n {
		return fmt.Errorf("tokenizer: %d scores for %d tokens", len(v.Scores), n)
	}
	if v.Types != nil && len(v.Types) != n {
		return fmt.Errorf("tokenizer: %d token types for %d tokens", len(v.Types), n)
	}
	if v.ModelSize < 1 || v.ModelSize > n {
		return fmt.Errorf("tokenizer: model size %d outside [1, %d]", v.ModelSize, n)
	}
	for _, x := range []struct {
		name string
		id   int32
	}{{"bos", v.BOS}, {"eos", v.EOS}, {"pad", v.PAD}, {"unk", v.UNK}} {
		if x.id < -1 || int(x.id) >= n {
			return fmt.Errorf("tokenizer: %s id %d outside [-1, %d)", x.name, x.id, n)
		}
	}
	if v.AddBOS && v.BOS < 0 {
		return fmt.Errorf("tokenizer: add_bos is set but there is no bos token")
	}
	if v.AddEOS && v.EOS < 0 {
		return fmt.Errorf("tokenizer: add_eos is set but there is no eos token")
	}
	if v.UNK >= int32(v.ModelSize) {
		return fmt.Errorf("tokenizer: unk id %d is not in the model vocabulary (size %d)", v.UNK, v.ModelSize)
	}
	seen := make(map[int32]bool, len(v.Added))
	for i, a := range v.Added {
		if a.ID < 0 || int(a.ID) >= n {
			return fmt.Errorf("tokenizer: added token %d: id %d outside [0, %d)", i, a.ID, n)
		}
		if seen[a.ID] {
			return fmt.Errorf("tokenizer: added token %d: id %d listed twice", i, a.ID)
		}
		seen[a.ID] = true
		if v.Tokens[a.ID] == "" {
			return fmt.Errorf("tokenizer: added token %d (id %d) is empty", i, a.ID)
		}
	}
	for id := v.ModelSize; id < n; id++ {
		if !seen[int32(id)] {
			return fmt.Errorf("tokenizer: token %d %q is past the model vocabulary (size %d) but is not an added token",
				id, v.Tokens[id], v.ModelSize)
		}
	}
	for i, r := range v.Normalizer {
		if r.Old == "" {
			return fmt.Errorf("tokenizer: normalizer replace %d has an empty pattern", i)
		}
	}
	for i, r := range v.DecodeReplace {
		if r.Old == "" {
			return fmt.Errorf("tokenizer: decoder replace %d has an empty pattern", i)
		}
	}
	if (v.SplitBehavior == SplitNone) != (v.Split == "") {
		return fmt.Errorf("tokenizer: split pattern %q with behavior %v", v.Split, v.SplitBehavior)
	}
	if v.SplitBehavior > SplitContiguous {
		return fmt.Errorf("tokenizer: unknown split behavior %d", v.SplitBehavior)
	}
	if v.UNK < 0 && !v.ByteFallback {
		return fmt.Errorf("tokenizer: neither an unk token nor byte fallback: unknown characters could not be encoded")
	}
	return nil
}

// isByteToken reports whether s has the form <0xNN> (upper-case hex), the
// token byte fallback emits, and returns the byte.
func isByteToken(s string) (byte, bool) {
	if len(s) != 6 || s[:3] != "<0x" || s[5] != '>' {
		return 0, false
	}
	hi, ok1 := upperHex(s[3])
	lo, ok2 := upperHex(s[4])
	return hi<<4 | lo, ok1 && ok2
}

func upperHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// byteTokenName is the vocabulary name of byte b's fallback token.
func byteTokenName(b byte) string {
	const hex = "0123456789ABCDEF"
	return string([]byte{'<', '0', 'x', hex[b>>4], hex[b&15], '>'})
}
