package tokenizer

import (
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"
)

// Tokenizer encodes text to token ids and back. Build one with FromJSON,
// LoadJSON, FromGGUF or New.
type Tokenizer struct {
	v Vocab

	byteID  [256]int32 // byte -> <0xNN> model token id, -1 if none
	bytesOK bool       // every byte has a fallback token

	flags      []uint8          // per id: flagSpecial, flagSkip
	decodeText map[int32]string // normalized added tokens decode to their normalized form
	splitBytes []byte           // v.Split

	// mergeIDs optionally holds (left, right, result) per merge, read from
	// a GGUF file, so the encoder need not look 1.5M strings up.
	mergeIDs []int32

	// Built on first use (Encode, ID, Prepare), so that loading stays in
	// milliseconds; see build.go.
	encOnce   sync.Once
	enc       *encoder
	tableOnce sync.Once
	table     *strTable // all tokens; BPE uses hits below v.ModelSize only
}

const (
	flagSpecial = 1 << iota // a special added token
	flagSkip                // dropped by Decode(ids, skipSpecial=true)
)

// New builds a tokenizer from v, which it keeps (do not modify it after).
// It does only cheap checks; lookup tables are built on first use. Call
// Prepare to build them now and check the merges against the vocabulary.
func New(v Vocab) (*Tokenizer, error) {
	return newTokenizer(v, nil)
}

func newTokenizer(v Vocab, mergeIDs []int32) (*Tokenizer, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	for _, r := range append(append([]Replace{}, v.Normalizer...), v.DecodeReplace...) {
		if !utf8.ValidString(r.Old) || !utf8.ValidString(r.New) {
			return nil, fmt.Errorf("tokenizer: replace %q -> %q is not valid UTF-8", r.Old, r.New)
		}
	}
	if !utf8.ValidString(v.Split) {
		return nil, fmt.Errorf("tokenizer: split pattern %q is not valid UTF-8", v.Split)
	}
	if mergeIDs != nil && len(mergeIDs) != 3*len(v.Merges) {
		return nil, fmt.Errorf("tokenizer: %d merge ids for %d merges, want 3 per merge", len(mergeIDs), len(v.Merges))
	}
	n := len(v.Tokens)
	t := &Tokenizer{v: v, flags: make([]uint8, n), splitBytes: []byte(v.Split), mergeIDs: mergeIDs}
	for i := range t.byteID {
		t.byteID[i] = -1
	}
	for id, s := range v.Tokens[:v.ModelSize] {
		if b, ok := isByteToken(s); ok && t.byteID[b] < 0 {
			t.byteID[b] = int32(id)
		}
	}
	t.bytesOK = !slices.Contains(t.byteID[:], -1)
	if v.UNK < 0 && !t.bytesOK {
		return nil, fmt.Errorf("tokenizer: no unk token and no fallback token for every byte: unknown characters could not be encoded")
	}
	t.decodeText = map[int32]string{}
	for _, a := range v.Added {
		if a.Special {
			t.flags[a.ID] |= flagSpecial | flagSkip
		}
		if s := v.Tokens[a.ID]; a.Normalized {
			if ns := string(t.normalize(nil, s)); ns != s {
				// HF decodes it as the normalized form, which is then not
				// in the special set, so skip_special_tokens keeps it.
				t.decodeText[a.ID] = ns
				t.flags[a.ID] &^= flagSkip
			}
		}
	}
	if t.v.Scores == nil {
		t.v.Scores = make([]float32, n)
	}
	if t.v.Types == nil {
		t.v.Types = t.defaultTypes()
	}
	return t, nil
}

// mergeScores gives each token -(1 + rank of the first merge that makes
// it), 0 for tokens no merge makes: SentencePiece-like scores for tools
// that want them (tokenizer.json has none).
func (t *Tokenizer) mergeScores() []float32 {
	s := make([]float32, len(t.v.Tokens))
	for _, sl := range t.encoder().merges.slots {
		if sl.key == emptyKey {
			continue
		}
		rank, res := float32(sl.val>>32)+1, int32(uint32(sl.val))
		if s[res] == 0 || -rank > s[res] {
			s[res] = -rank
		}
	}
	return s
}

// defaultTypes derives llama.cpp token types: special added tokens are
// control, other added tokens user-defined, <0xNN> byte tokens byte.
func (t *Tokenizer) defaultTypes() []int32 {
	ty := make([]int32, len(t.v.Tokens))
	for i := range ty {
		ty[i] = TypeNormal
	}
	for _, id := range t.byteID {
		if id >= 0 {
			ty[id] = TypeByte
		}
	}
	for _, a := range t.v.Added {
		if a.Special {
			ty[a.ID] = TypeControl
		} else {
			ty[a.ID] = TypeUserDefined
		}
	}
	if t.v.UNK >= 0 {
		ty[t.v.UNK] = TypeUnknown
	}
	return ty
}

// Vocab returns the tokenizer's description (shared: do not modify).
func (t *Tokenizer) Vocab() Vocab { return t.v }

// Size is the number of token ids, added tokens included.
func (t *Tokenizer) Size() int { return len(t.v.Tokens) }

// Token returns the vocabulary string of id, or "" if id is out of range.
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.v.Tokens) {
		return ""
	}
	return t.v.Tokens[id]
}

// ID returns the id of a vocabulary string (HF token_to_id).
func (t *Tokenizer) ID(piece string) (int32, bool) { return t.strs().get(piece) }

// IsSpecial reports whether id is a special added token (<bos>, <eos>, ...).
func (t *Tokenizer) IsSpecial(id int32) bool {
	return id >= 0 && int(id) < len(t.flags) && t.flags[id]&flagSpecial != 0
}
