package tokenizer

import (
	"hash/maphash"
	"math/bits"
)

// strTable maps token strings to ids by open addressing over one []uint64:
// no allocation per token, so a 262K vocabulary indexes in milliseconds. A
// slot holds 32 bits of the key's hash above id+1 (0 = empty), so probes
// rarely touch the strings of other keys.
type strTable struct {
	slots []uint64
	keys  []string
	shift uint
	seed  maphash.Seed
}

func tableBits(n int) uint {
	b := uint(bits.Len(uint(n))) + 1 // load factor <= 1/2
	if b < 4 {
		b = 4
	}
	return b
}

// newStrTable indexes keys[0:n]; when a string occurs twice the lowest id
// wins.
func newStrTable(keys []string, n int) *strTable {
	b := tableBits(n)
	t := &strTable{slots: make([]uint64, 1<<b), keys: keys, shift: 64 - b, seed: maphash.MakeSeed()}
	mask := uint64(len(t.slots) - 1)
	for id := 0; id < n; id++ {
		k := keys[id]
		h := maphash.String(t.seed, k)
		tag := h &^ 0xFFFFFFFF
		for i := t.home(h); ; i = (i + 1) & mask {
			s := t.slots[i]
			if s == 0 {
				t.slots[i] = tag | uint64(id+1)
				break
			}
			if s&^0xFFFFFFFF == tag && keys[uint32(s)-1] == k {
				break
			}
		}
	}
	return t
}

func (t *strTable) home(h uint64) uint64 { return (h * 0x9E3779B97F4A7C15) >> t.shift }

func (t *strTable) find(h uint64, k string) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	tag := h &^ 0xFFFFFFFF
	for i := t.home(h); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return -1, false
		}
		if s&^0xFFFFFFFF == tag && t.keys[uint32(s)-1] == k {
			return int32(uint32(s) - 1), true
		}
	}
}

func (t *strTable) get(k string) (int32, bool) { return t.find(maphash.String(t.seed, k), k) }

func (t *strTable) getBytes(k []byte) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	h := maphash.Bytes(t.seed, k)
	tag := h &^ 0xFFFFFFFF
	for i := t.home(h); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return -1, false
		}
		if s&^0xFFFFFFFF == tag && t.keys[uint32(s)-1] == string(k) {
			return int32(uint32(s) - 1), true
		}
	}
}

// mergeTable maps a pair of token ids to the merge's rank and result id.
type mergeTable struct {
	slots []mergeSlot
	shift uint
}

type mergeSlot struct {
	key uint64 // pairKey(left, right); 0 when free
	val uint64 // rank<<32 | result
}

const emptyKey = 0

func newMergeTable(n int) *mergeTable {
	b := tableBits(n)
	return &mergeTable{slots: make([]mergeSlot, 1<<b), shift: 64 - b}
}

// pairKey is the complement of left<<32|right: never 0, as ids are below
// 2^31, so zeroed memory is an empty table.
func pairKey(a, b int32) uint64 { return ^(uint64(uint32(a))<<32 | uint64(uint32(b))) }

// put sets the pair's merge; a later merge of the same pair replaces the
// earlier one, as HF's HashMap collect does.
func (t *mergeTable) put(a, b int32, rank uint32, result int32) {
	k := pairKey(a, b)
	mask := uint64(len(t.slots) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == emptyKey || s.key == k {
			s.key = k
			s.val = uint64(rank)<<32 | uint64(uint32(result))
			return
		}
	}
}

// get returns the rank and result of merging a then b.
func (t *mergeTable) get(a, b int32) (rank uint32, result int32, ok bool) {
	k := pairKey(a, b)
	mask := uint64(len(t.slots) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == k {
			return uint32(s.val >> 32), int32(uint32(s.val)), true
		}
		if s.key == emptyKey {
			return 0, 0, false
		}
	}
}
