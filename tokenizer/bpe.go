package tokenizer

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// symbol is one node of a word's doubly linked list of tokens (HF's
// Symbol); size 0 marks a node merged into its left neighbour.
type symbol struct {
	id         int32
	prev, next int32
	size       int32
}

// mergeItem is a candidate merge of the symbol at pos with its right
// neighbour.
type mergeItem struct {
	rank   uint32
	pos    int32
	result int32
}

func (a mergeItem) less(b mergeItem) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

// mergeHeap is a binary min-heap by (rank, pos), the order of HF's queue.
type mergeHeap []mergeItem

func (h *mergeHeap) push(x mergeItem) {
	s := append(*h, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
	*h = s
}

func (h *mergeHeap) pop() mergeItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].less(s[l]) {
			m = r
		}
		if !s[m].less(s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

const space = "\u2581" // '▁', what the Gemma normalizer turns ' ' into

// spaceSplit decides whether pieces may be cut before '▁'. HF runs BPE on
// a whole pre-tokenized piece (for Gemma, a whole line), but a merge can
// only join across a point between rune c and '▁' if some merge (a, b) has
// a ending in c and b starting with '▁': the first merge across a point
// joins the symbols on its two sides. Cutting elsewhere gives the same
// tokens, and short words that the cache can serve. Byte tokens in merges
// or UNK symbols would break that reasoning, so then there is no cutting.
type spaceSplit struct {
	ok                   bool
	spaceStart, spaceEnd []uint64 // bitsets over model ids: token starts / ends with '▁'
	isByte               []uint64 // bitset: byte fallback token
	noCut                map[rune]bool
}

func bit(set []uint64, id int32) bool { return set[id>>6]&(1<<(id&63)) != 0 }

func newSpaceSplit(t *Tokenizer, e *encoder) *spaceSplit {
	sp, _ := utf8.DecodeRuneInString(space)
	if !t.v.ByteFallback || !t.bytesOK || e.charID[sp] < 0 {
		return &spaceSplit{}
	}
	n := (t.v.ModelSize + 63) / 64
	s := &spaceSplit{ok: true, spaceStart: make([]uint64, n), spaceEnd: make([]uint64, n),
		isByte: make([]uint64, n), noCut: map[rune]bool{sp: true}}
	for id, tok := range t.v.Tokens[:t.v.ModelSize] {
		if strings.HasPrefix(tok, space) {
			s.spaceStart[id>>6] |= 1 << (id & 63)
		}
		if strings.HasSuffix(tok, space) {
			s.spaceEnd[id>>6] |= 1 << (id & 63)
		}
	}
	for _, id := range t.byteID {
		s.isByte[id>>6] |= 1 << (id & 63)
	}
	return s
}

// see notes merge (l, r): the merge table is being built.
func (s *spaceSplit) see(t *Tokenizer, l, r int32) {
	if !s.ok {
		return
	}
	if bit(s.isByte, l) || bit(s.isByte, r) {
		s.ok = false
		return
	}
	if bit(s.spaceStart, r) && !bit(s.spaceEnd, l) {
		c, _ := utf8.DecodeLastRuneInString(t.v.Tokens[l])
		s.noCut[c] = true
	}
}

func (s *spaceSplit) finish(e *encoder) {
	if !s.ok {
		return
	}
	for r := range s.noCut {
		e.noCut = append(e.noCut, r)
	}
	e.spaceSplit = true
}

func (e *encoder) cutAfter(r rune) bool {
	for _, c := range e.noCut {
		if c == r {
			return false
		}
	}
	return true
}

var spaceBytes = []byte(space)

// haveBytes reports whether every byte of b has a fallback token.
func (t *Tokenizer) haveBytes(b []byte) bool {
	if t.bytesOK {
		return true
	}
	for _, c := range b {
		if t.byteID[c] < 0 {
			return false
		}
	}
	return true
}

// model appends the BPE tokens of one pre-tokenized piece.
func (t *Tokenizer) model(e *encoder, ids []int32, w []byte, st *state) []int32 {
	if t.v.IgnoreMerges {
		if id, ok := t.strs().getBytes(w); ok && int(id) < t.v.ModelSize {
			return append(ids, id)
		}
	}
	if !e.spaceSplit {
		return t.word(e, ids, w, st)
	}
	from := 0
	for off := 1; off < len(w); {
		j := bytes.Index(w[off:], spaceBytes)
		if j < 0 {
			break
		}
		at := off + j
		if r, _ := utf8.DecodeLastRune(w[:at]); e.cutAfter(r) {
			ids = t.word(e, ids, w[from:at], st)
			from = at
		}
		off = at + len(spaceBytes)
	}
	return t.word(e, ids, w[from:], st)
}

// maxCached is HF's cache word-length limit; longer words are rare and
// would only fill the cache.
const maxCached = 256

// word appends the tokens of w, through the cache.
func (t *Tokenizer) word(e *encoder, ids []int32, w []byte, st *state) []int32 {
	if len(w) >= maxCached || e.noCache {
		return t.mergeWord(e, ids, w, st)
	}
	if hit, ok := e.cache.get(w); ok {
		return append(ids, hit...)
	}
	n := len(ids)
	ids = t.mergeWord(e, ids, w, st)
	e.cache.put(w, ids[n:])
	return ids
}

// mergeWord is HF's BPE::merge_word followed by Word::merge_all, without
// dropout.
func (t *Tokenizer) mergeWord(e *encoder, ids []int32, w []byte, st *state) []int32 {
	syms := st.syms[:0]
	add := func(id int32, size int) {
		n := int32(len(syms))
		if n > 0 {
			syms[n-1].next = n
		}
		syms = append(syms, symbol{id: id, prev: n - 1, next: -1, size: int32(size)})
	}
	unk, unkSize := int32(-1), 0
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRune(w[i:])
		id := int32(-1)
		if r < 0x10000 {
			id = e.charID[r]
		} else if x, ok := e.wide[r]; ok {
			id = x
		}
		switch {
		case id >= 0:
			if unk >= 0 {
				add(unk, unkSize)
				unk = -1
			}
			add(id, size)
		case t.v.ByteFallback && t.haveBytes(w[i:i+size]):
			// HF leaves a pending UNK in place here.
			for _, b := range w[i : i+size] {
				add(t.byteID[b], 1)
			}
		case unk >= 0 && t.v.FuseUnk:
			unkSize += size
		default:
			if unk >= 0 {
				add(unk, unkSize)
			}
			unk, unkSize = t.v.UNK, size
		}
		i += size
	}
	if unk >= 0 {
		add(unk, unkSize)
	}

	h := st.heap[:0]
	for i := 0; i+1 < len(syms); i++ {
		if rank, res, ok := e.merges.get(syms[i].id, syms[i+1].id); ok {
			h.push(mergeItem{rank, int32(i), res})
		}
	}
	for len(h) > 0 {
		top := h.pop()
		cur := &syms[top.pos]
		if cur.size == 0 || cur.next < 0 {
			continue
		}
		right := syms[cur.next]
		// Skip a stale entry: the pair there must still merge to the same token.
		if _, res, ok := e.merges.get(cur.id, right.id); !ok || res != top.result {
			continue
		}
		syms[cur.next].size = 0
		cur.id, cur.size, cur.next = top.result, cur.size+right.size, right.next
		if right.next >= 0 {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if rank, res, ok := e.merges.get(syms[cur.prev].id, cur.id); ok {
				h.push(mergeItem{rank, cur.prev, res})
			}
		}
		if cur.next >= 0 {
			if rank, res, ok := e.merges.get(cur.id, syms[cur.next].id); ok {
				h.push(mergeItem{rank, top.pos, res})
			}
		}
	}
	for _, s := range syms {
		if s.size != 0 {
			ids = append(ids, s.id)
		}
	}
	st.syms, st.heap = syms, h
	return ids
}
