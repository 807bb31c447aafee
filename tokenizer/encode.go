package tokenizer

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"
)

// state is per-call scratch, pooled so that Encode allocates little more
// than its result.
type state struct {
	segs, sub []segment
	spans     []span
	norm      []byte
	syms      []symbol
	heap      mergeHeap
}

type span struct{ start, end int }

var statePool = sync.Pool{New: func() any { return new(state) }}

// Encode returns the token ids of text; with addSpecial it adds what the
// post-processor template adds (for Gemma 3: <bos> in front). Invalid UTF-8
// is first repaired as documented in the package comment.
func (t *Tokenizer) Encode(text string, addSpecial bool) []int32 {
	if !utf8.ValidString(text) {
		text = ToValidUTF8(text)
	}
	ids := make([]int32, 0, len(text)/3+2)
	if addSpecial && t.v.AddBOS {
		ids = append(ids, t.v.BOS)
	}
	st := statePool.Get().(*state)
	ids = t.appendText(t.encoder(), ids, text, st)
	statePool.Put(st)
	if addSpecial && t.v.AddEOS {
		ids = append(ids, t.v.EOS)
	}
	return ids
}

// appendText runs HF's extract_and_normalize, pre-tokenize and model steps.
func (t *Tokenizer) appendText(e *encoder, ids []int32, text string, st *state) []int32 {
	st.segs = st.segs[:0]
	if e.raw != nil {
		st.segs = e.raw.split(st.segs, text, 0)
	} else if text != "" {
		st.segs = append(st.segs, segment{0, len(text), -1})
	}
	for _, sg := range st.segs {
		if sg.id >= 0 {
			ids = append(ids, sg.id)
			continue
		}
		st.norm = t.normalize(st.norm[:0], text[sg.start:sg.end])
		norm := st.norm
		st.sub = st.sub[:0]
		if e.norm != nil {
			st.sub = e.norm.split(st.sub, string(norm), 0)
		} else if len(norm) > 0 {
			st.sub = append(st.sub, segment{0, len(norm), -1})
		}
		for _, s := range st.sub {
			if s.id >= 0 {
				ids = append(ids, s.id)
				continue
			}
			piece := norm[s.start:s.end]
			st.spans = t.preSplit(st.spans[:0], piece)
			for _, p := range st.spans {
				ids = t.model(e, ids, piece[p.start:p.end], st)
			}
		}
	}
	return ids
}

// normalize appends the normalized form of s to dst.
func (t *Tokenizer) normalize(dst []byte, s string) []byte {
	switch len(t.v.Normalizer) {
	case 0:
		return append(dst, s...)
	case 1:
		return appendReplaced(dst, s, t.v.Normalizer[0])
	}
	for _, r := range t.v.Normalizer {
		s = strings.ReplaceAll(s, r.Old, r.New)
	}
	return append(dst, s...)
}

// appendReplaced appends s with every non-overlapping r.Old (leftmost
// first) replaced by r.New.
func appendReplaced(dst []byte, s string, r Replace) []byte {
	if len(r.Old) == 1 {
		c := r.Old[0]
		for {
			i := strings.IndexByte(s, c)
			if i < 0 {
				return append(dst, s...)
			}
			dst = append(append(dst, s[:i]...), r.New...)
			s = s[i+1:]
		}
	}
	for {
		i := strings.Index(s, r.Old)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(append(dst, s[:i]...), r.New...)
		s = s[i+len(r.Old):]
	}
}

// preSplit appends the pieces of the Split pre-tokenizer, following HF's
// NormalizedString::split: matches and gaps are listed, flags flipped when
// inverted, folded per behaviour, and empty pieces dropped.
func (t *Tokenizer) preSplit(out []span, w []byte) []span {
	if len(w) == 0 {
		return out
	}
	if t.v.SplitBehavior == SplitNone {
		return append(out, span{0, len(w)})
	}
	pat := t.v.Split
	inv := t.v.SplitInvert
	// Fast path: no delimiter means one unmatched piece.
	if !inv && !bytes.Contains(w, t.splitBytes) {
		return append(out, span{0, len(w)})
	}
	type part struct {
		span
		match bool
	}
	var parts []part
	prev := 0
	s := string(w)
	for off := 0; ; {
		i := strings.Index(s[off:], pat)
		if i < 0 {
			break
		}
		a := off + i
		if prev != a {
			parts = append(parts, part{span{prev, a}, inv})
		}
		parts = append(parts, part{span{a, a + len(pat)}, !inv})
		prev = a + len(pat)
		off = prev
	}
	if prev != len(s) {
		parts = append(parts, part{span{prev, len(s)}, inv})
	}
	type kept struct {
		span
		remove bool
	}
	var ks []kept
	prevMatch := false
	switch t.v.SplitBehavior {
	case SplitIsolated:
		for _, p := range parts {
			ks = append(ks, kept{p.span, false})
		}
	case SplitRemoved:
		for _, p := range parts {
			ks = append(ks, kept{p.span, p.match})
		}
	case SplitContiguous:
		for _, p := range parts {
			if p.match == prevMatch && len(ks) > 0 {
				ks[len(ks)-1].end = p.end
			} else {
				ks = append(ks, kept{p.span, false})
			}
			prevMatch = p.match
		}
	case SplitMergedWithPrevious:
		for _, p := range parts {
			if p.match && !prevMatch && len(ks) > 0 {
				ks[len(ks)-1].end = p.end
			} else {
				ks = append(ks, kept{p.span, false})
			}
			prevMatch = p.match
		}
	case SplitMergedWithNext:
		for i := len(parts) - 1; i >= 0; i-- {
			p := parts[i]
			if p.match && !prevMatch && len(ks) > 0 {
				ks[len(ks)-1].start = p.start
			} else {
				ks = append(ks, kept{p.span, false})
			}
			prevMatch = p.match
		}
		for i, j := 0, len(ks)-1; i < j; i, j = i+1, j-1 {
			ks[i], ks[j] = ks[j], ks[i]
		}
	}
	for _, k := range ks {
		if !k.remove && k.end > k.start {
			out = append(out, k.span)
		}
	}
	return out
}
