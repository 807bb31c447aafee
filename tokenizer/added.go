package tokenizer

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

// matcher finds added tokens in text the way HF's AddedVocabulary does: a
// leftmost-longest, non-overlapping scan (daachorse MatchKind::LeftmostLongest),
// then per-token single_word / lstrip / rstrip handling of each match.
type matcher struct {
	first [256]bool // bytes that start some pattern
	// Byte trie in flat arrays: node n's edges are eb/ec[lo[n]:hi[n]],
	// sorted by byte; val[n] is the index into toks of the pattern ending at
	// n, or -1.
	lo, hi, val []int32
	eb          []byte
	ec          []int32
	toks        []AddedToken
}

// segment is a piece of text: an added token or plain text.
type segment struct {
	start, end int
	id         int32 // token id, or -1 for plain text
}

// newMatcher builds the trie over patterns[i] for toks[i]; nil when there
// are none.
func newMatcher(patterns []string, toks []AddedToken) *matcher {
	if len(patterns) == 0 {
		return nil
	}
	idx := make([]int32, len(patterns))
	for i := range idx {
		idx[i] = int32(i)
	}
	sort.SliceStable(idx, func(i, j int) bool { return patterns[idx[i]] < patterns[idx[j]] })
	m := &matcher{toks: toks}
	m.build(patterns, idx, 0)
	for _, p := range patterns {
		if p != "" {
			m.first[p[0]] = true
		}
	}
	return m
}

// build adds the node for the patterns idx (sorted, sharing their first
// depth bytes) and its subtree.
func (m *matcher) build(pats []string, idx []int32, depth int) int32 {
	n := int32(len(m.val))
	m.val, m.lo, m.hi = append(m.val, -1), append(m.lo, 0), append(m.hi, 0)
	i := 0
	for ; i < len(idx) && len(pats[idx[i]]) == depth; i++ {
		m.val[n] = idx[i] // of equal patterns the last one wins, as in HF's map
	}
	groups := 0
	for j := i; j < len(idx); j++ {
		if j == i || pats[idx[j]][depth] != pats[idx[j-1]][depth] {
			groups++
		}
	}
	lo := int32(len(m.eb))
	m.lo[n], m.hi[n] = lo, lo+int32(groups)
	m.eb = append(m.eb, make([]byte, groups)...)
	m.ec = append(m.ec, make([]int32, groups)...)
	for g := int32(0); i < len(idx); g++ {
		c := pats[idx[i]][depth]
		j := i + 1
		for j < len(idx) && pats[idx[j]][depth] == c {
			j++
		}
		child := m.build(pats, idx[i:j], depth+1)
		m.eb[lo+g], m.ec[lo+g] = c, child
		i = j
	}
	return n
}

// longest returns the index of the longest pattern that starts text and its
// length, or -1.
func (m *matcher) longest(text string) (int32, int) {
	best, bestLen := int32(-1), 0
	n := int32(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		next := int32(-1)
		for e := m.lo[n]; e < m.hi[n]; e++ {
			if m.eb[e] == c {
				next = m.ec[e]
				break
			}
			if m.eb[e] > c {
				break
			}
		}
		if next < 0 {
			break
		}
		n = next
		if m.val[n] >= 0 {
			best, bestLen = m.val[n], i+1
		}
	}
	return best, bestLen
}

// split appends to segs the added-token and plain-text segments of text, as
// HF's find_matches returns them (offsets relative to text, plus base).
// Empty plain segments are not emitted.
func (m *matcher) split(segs []segment, text string, base int) []segment {
	startOffset := 0
	for i := 0; i < len(text); {
		if !m.first[text[i]] {
			i++
			continue
		}
		k, n := m.longest(text[i:])
		if k < 0 {
			i++
			continue
		}
		start, stop := i, i+n
		i = stop // the scan resumes after the raw match whatever the flags do
		tok := m.toks[k]
		if tok.SingleWord {
			startSpace := start == 0 || !endsWithWord(text[:start])
			stopSpace := stop == len(text) || !startsWithWord(text[stop:])
			if !startSpace || !stopSpace {
				continue
			}
		}
		if tok.LStrip {
			start = max(leadingSpaceOfTail(text[:start]), startOffset)
		}
		if tok.RStrip {
			stop += spacePrefixLen(text[stop:])
		}
		if startOffset < start {
			segs = append(segs, segment{base + startOffset, base + start, -1})
		}
		segs = append(segs, segment{base + start, base + stop, tok.ID})
		startOffset = stop
	}
	if startOffset < len(text) {
		segs = append(segs, segment{base + startOffset, base + len(text), -1})
	}
	return segs
}

// isWordRune is Rust regex's Unicode \w: Alphabetic, marks, decimal
// digits, connector punctuation and Join_Control.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r) ||
		unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r) || r == 0x200C || r == 0x200D
}

func endsWithWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && isWordRune(r)
}

func startsWithWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isWordRune(r)
}

// leadingSpaceOfTail is where the trailing run of Unicode whitespace of s
// starts (len(s) if none), like HF's `\s*$` search.
func leadingSpaceOfTail(s string) int {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	return i
}

// spacePrefixLen is the byte length of the leading Unicode whitespace of s.
func spacePrefixLen(s string) int {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}
