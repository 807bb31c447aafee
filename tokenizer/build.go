package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// encoder holds what Encode needs beyond the Vocab. It is built once, on
// first use, because resolving half a million merges is the one slow part
// of loading a tokenizer.
type encoder struct {
	merges *mergeTable    // (left, right) -> rank, result
	charID []int32        // BMP rune -> model token id of that one character, -1 if none
	wide   map[rune]int32 // the same above the BMP

	raw, norm *matcher // added tokens matched before / after normalization

	// spaceSplit: pieces may be cut before each '▁' that follows a rune not
	// in noCut, because no merge can join across such a point (see
	// initSpaceSplit).
	spaceSplit bool
	noCut      []rune

	cache   wordCache
	noCache bool  // tests: bypass the cache
	err     error // the first bad merge; Encode leaves such merges out
}

func (t *Tokenizer) encoder() *encoder {
	t.encOnce.Do(func() { t.enc = t.buildEncoder() })
	return t.enc
}

// strs is the string -> id table, built on first use.
func (t *Tokenizer) strs() *strTable {
	t.tableOnce.Do(func() { t.table = newStrTable(t.v.Tokens, len(t.v.Tokens)) })
	return t.table
}

// modelID looks s up in the BPE model's vocabulary.
func (t *Tokenizer) modelID(s string) (int32, bool) {
	id, ok := t.strs().get(s)
	return id, ok && int(id) < t.v.ModelSize
}

// Prepare builds the lookup tables that Encode would build on first use
// and checks the vocabulary the way HF tokenizers does on load: every merge
// names tokens of the model vocabulary, and each added token has the id HF
// would give it. Encode works without it, leaving bad merges out.
func (t *Tokenizer) Prepare() error {
	if err := t.encoder().err; err != nil {
		return err
	}
	if t.mergeIDs != nil {
		if err := t.checkMergeIDs(); err != nil {
			return err
		}
	}
	seen := make(map[string]int32, len(t.v.Added))
	for _, a := range t.v.Added {
		s := t.v.Tokens[a.ID]
		if prev, dup := seen[s]; dup {
			return fmt.Errorf("tokenizer: added tokens %d and %d are both %q", prev, a.ID, s)
		}
		seen[s] = a.ID
		// HF gives an added token the model's id for its content, else the
		// next id past the model's vocabulary.
		if mid, ok := t.modelID(s); ok && mid != a.ID {
			return fmt.Errorf("tokenizer: added token %q has id %d but the model vocabulary has it as %d", s, a.ID, mid)
		}
	}
	return nil
}

// checkMergeIDs verifies precomputed merge ids against the merge strings.
func (t *Tokenizer) checkMergeIDs() error {
	tok := t.v.Tokens
	for rank, m := range t.v.Merges {
		l, r, res := t.mergeIDs[3*rank], t.mergeIDs[3*rank+1], t.mergeIDs[3*rank+2]
		a, b := tok[l], tok[r]
		if strings.Contains(a, " ") || strings.Contains(b, " ") || len(m) != len(a)+1+len(b) || m[:len(a)] != a || m[len(a)] != ' ' || m[len(a)+1:] != b ||
			len(tok[res]) != len(a)+len(b) || tok[res][:len(a)] != a || tok[res][len(a):] != b {
			return fmt.Errorf("tokenizer: merge %d %q: stored ids %d %d -> %d are %q %q -> %q", rank, m, l, r, res, a, b, tok[res])
		}
		// The strings agree, but HF resolves each string to its lowest id.
		for _, id := range [3]int32{l, r, res} {
			if low, _ := t.modelID(tok[id]); low != id {
				return fmt.Errorf("tokenizer: merge %d %q: stored id %d of %q, lookup gives %d", rank, m, id, tok[id], low)
			}
		}
	}
	return nil
}

func (t *Tokenizer) buildEncoder() *encoder {
	v := &t.v
	e := &encoder{charID: make([]int32, 0x10000), wide: map[rune]int32{}}
	for i := range e.charID {
		e.charID[i] = -1
	}
	for id, s := range v.Tokens[:v.ModelSize] {
		r, size := utf8.DecodeRuneInString(s)
		if size != len(s) || r == utf8.RuneError && size < 3 {
			continue
		}
		if r < 0x10000 {
			if e.charID[r] < 0 {
				e.charID[r] = int32(id)
			}
		} else if _, ok := e.wide[r]; !ok {
			e.wide[r] = int32(id)
		}
	}
	e.err = t.buildMerges(e)
	t.buildMatchers(e)
	e.cache.init()
	return e
}

// buildMerges fills the merge table, from the stored ids when there are
// some, else by looking the strings up (HF's BPE builder).
func (t *Tokenizer) buildMerges(e *encoder) error {
	v := &t.v
	e.merges = newMergeTable(len(v.Merges))
	split := newSpaceSplit(t, e)
	defer split.finish(e)
	var first error
	if ids := t.mergeIDs; ids != nil {
		for rank := range v.Merges {
			l, r, res := ids[3*rank], ids[3*rank+1], ids[3*rank+2]
			if !t.inModel(l) || !t.inModel(r) || !t.inModel(res) {
				if first == nil {
					first = fmt.Errorf("tokenizer: merge %d %q: stored ids %d %d -> %d outside the model vocabulary", rank, v.Merges[rank], l, r, res)
				}
				continue
			}
			e.merges.put(l, r, uint32(rank), res)
			split.see(t, l, r)
		}
		return first
	}
	var buf []byte
	for rank, m := range v.Merges {
		sp := strings.IndexByte(m, ' ')
		if sp < 0 || strings.IndexByte(m[sp+1:], ' ') >= 0 {
			if first == nil {
				first = fmt.Errorf("tokenizer: merge %d %q is not two tokens separated by one space", rank, m)
			}
			continue
		}
		a, b := m[:sp], m[sp+1:]
		ia, ok1 := t.modelID(a)
		ib, ok2 := t.modelID(b)
		buf = append(append(buf[:0], a...), b...)
		ir, ok3 := t.strs().getBytes(buf)
		if !ok1 || !ok2 || !ok3 || int(ir) >= v.ModelSize {
			if first == nil {
				missing := a
				if ok1 && !ok2 {
					missing = b
				} else if ok1 && ok2 {
					missing = string(buf)
				}
				first = fmt.Errorf("tokenizer: merge %d %q: token %q is not in the model vocabulary", rank, m, missing)
			}
			continue
		}
		e.merges.put(ia, ib, uint32(rank), ir)
		split.see(t, ia, ib)
	}
	return first
}

func (t *Tokenizer) inModel(id int32) bool { return id >= 0 && int(id) < t.v.ModelSize }

// buildMatchers splits the added tokens into those matched in the raw text
// and those matched (in normalized form) after normalization.
func (t *Tokenizer) buildMatchers(e *encoder) {
	var rawPat, normPat []string
	var rawTok, normTok []AddedToken
	for _, a := range t.v.Added {
		s := t.v.Tokens[a.ID]
		if !a.Normalized {
			rawPat, rawTok = append(rawPat, s), append(rawTok, a)
			continue
		}
		if d, ok := t.decodeText[a.ID]; ok {
			s = d
		}
		normPat, normTok = append(normPat, s), append(normTok, a)
	}
	e.raw = newMatcher(rawPat, rawTok)
	e.norm = newMatcher(normPat, normTok)
}
