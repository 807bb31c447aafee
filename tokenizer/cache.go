package tokenizer

import (
	"hash/maphash"
	"sync/atomic"
)

// wordCache remembers the tokens of recent words. It is direct-mapped and
// lock-free: a slot holds one immutable entry, replaced on collision, so
// concurrent Encode calls need no mutex and memory stays bounded.
type wordCache struct {
	slots []atomic.Pointer[cacheEntry]
	seed  maphash.Seed
}

type cacheEntry struct {
	word string
	ids  []int32
}

const cacheSlots = 1 << 16

func (c *wordCache) init() {
	c.slots = make([]atomic.Pointer[cacheEntry], cacheSlots)
	c.seed = maphash.MakeSeed()
}

func (c *wordCache) slot(w []byte) *atomic.Pointer[cacheEntry] {
	return &c.slots[maphash.Bytes(c.seed, w)&(cacheSlots-1)]
}

func (c *wordCache) get(w []byte) ([]int32, bool) {
	if e := c.slot(w).Load(); e != nil && e.word == string(w) {
		return e.ids, true
	}
	return nil, false
}

func (c *wordCache) put(w []byte, ids []int32) {
	c.slot(w).Store(&cacheEntry{string(w), append([]int32(nil), ids...)})
}
