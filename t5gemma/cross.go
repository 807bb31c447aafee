package t5gemma

import (
	"fmt"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// crossCache holds one decoder layer's encoder keys and values for every
// batch row and KV head, stored at the state's cross precision (f32, f16 or
// Q8_0) in the layout the merged attention's matrix products read: keys
// [used × d], values transposed [d × used], at the start of each (row, head)
// block. It is written once per Encode; at long inputs it is most of the
// bytes a decode step reads, hence the choice.
type crossCache struct {
	typ          tensor.Type
	k, vt        []byte
	cap          int // key slots per (row, head) the memory holds
	used         int // slots of the current input: the decoder reads only these
	heads, d     int
	kSize, vSize int // bytes per (row, head) block
}

// crossSlots is how many key slots an input of s tokens takes at cross
// type typ: Q8_0 value rows hold whole blocks of 32.
func crossSlots(typ tensor.Type, s int) int {
	if typ == tensor.Q8_0 {
		return (s + 31) / 32 * 32
	}
	return s
}

// crossType checks a requested cross precision and applies the block rule:
// Q8_0 needs head_dim to be a multiple of 32, else f16 is used.
func crossType(t tensor.Type, d int) (tensor.Type, error) {
	switch t {
	case tensor.F32, tensor.F16:
		return t, nil
	case tensor.Q8_0:
		return quant.Fallback(t, d), nil
	}
	return 0, fmt.Errorf("t5gemma: cross K/V type %v (want f32, f16 or q8_0)", t)
}

func newCrossCache(batch, encLen int, s *StackConfig, typ tensor.Type) crossCache {
	capacity := crossSlots(typ, encLen)
	c := crossCache{typ: typ, cap: capacity, heads: s.KVHeads, d: s.HeadDim}
	c.kSize = capacity * typ.RowBytes(s.HeadDim)
	c.vSize = s.HeadDim * typ.RowBytes(capacity)
	c.k = make([]byte, batch*s.KVHeads*c.kSize)
	c.vt = make([]byte, batch*s.KVHeads*c.vSize)
	return c
}

// crossBytes is the memory of a cross cache.
func crossBytes(batch, encLen int, s *StackConfig, typ tensor.Type) int64 {
	capacity := crossSlots(typ, encLen)
	return int64(batch*s.KVHeads) * int64(capacity*typ.RowBytes(s.HeadDim)+s.HeadDim*typ.RowBytes(capacity))
}

// set stores the keys [used × d] and the values transposed [d × used] (f32,
// zero past the input's tokens) of batch row b, KV head g.
func (c *crossCache) set(b, g int, keys, valuesT []float32) {
	o := b*c.heads + g
	_ = quant.Quantize(c.typ, c.k[o*c.kSize:][:c.used*c.typ.RowBytes(c.d)], keys[:c.used*c.d])
	_ = quant.Quantize(c.typ, c.vt[o*c.vSize:][:c.d*c.typ.RowBytes(c.used)], valuesT[:c.d*c.used])
}

// keys and values views of (b, g) for a matrix product; shape is scratch
// the caller owns, so building a view allocates nothing.
func (c *crossCache) keys(b, g int, shape *[2]int) tensor.Tensor {
	o := b*c.heads + g
	*shape = [2]int{c.d, c.used}
	return tensor.Tensor{Type: c.typ, Shape: shape[:], Data: c.k[o*c.kSize:][:c.used*c.typ.RowBytes(c.d)]}
}

func (c *crossCache) values(b, g int, shape *[2]int) tensor.Tensor {
	o := b*c.heads + g
	*shape = [2]int{c.used, c.d}
	return tensor.Tensor{Type: c.typ, Shape: shape[:], Data: c.vt[o*c.vSize:][:c.d*c.typ.RowBytes(c.used)]}
}
