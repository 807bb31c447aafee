// Package tensor names the element types t5go stores weights in and describes
// a tensor as a typed, shaped view over bytes.
package tensor

import "fmt"

// Type is a ggml tensor type id, as stored in GGUF files.
type Type uint32

// The ggml type ids t5go reads and writes. The numbers are ggml's.
const (
	F32  Type = 0
	F16  Type = 1
	Q4_0 Type = 2
	Q8_0 Type = 8
	BF16 Type = 30

	// Q8_0X32 and Q4_0X32 hold Q8_0 / Q4_0 blocks with 32 rows
	// interleaved (t5go's own ids, above ggml's range; see X32Layout).
	Q8_0X32 Type = 1008
	Q4_0X32 Type = 1002
)

// X32Layout: the first rows/32·32 rows form panels of 32 rows, one after
// another; the rows%32 left over follow as plain rows of the base type
// (Q8_0, Q4_0). A panel holds, for each of the k/32 blocks in order, 32
// blocks' bytes: the 32 rows' fp16 scales (64 bytes, row order), then for
// j = 0..g-1 the 32 rows' quant bytes 4j..4j+3 (4 bytes per row, row order;
// 128 bytes per j), g = 8 for Q8_0 (32 quant bytes), 4 for Q4_0 (16). So a
// 64-byte vector load gives 16 rows' four consecutive bytes, one row per
// 32-bit lane: the matrix × vector kernels need no horizontal sums. A
// panel is byte for byte as large as its 32 plain rows.
const X32Layout = "panels of 32 rows: per block 32 fp16 scales, then g × (32 rows × 4 quant bytes)"

// traits is ggml's per-type table: how many elements one block holds and
// how many bytes it takes.
type traits struct {
	name       string
	blockSize  int
	blockBytes int
}

var table = map[Type]traits{
	F32:  {"f32", 1, 4},
	F16:  {"f16", 1, 2},
	BF16: {"bf16", 1, 2},
	Q8_0: {"q8_0", 32, 34}, // fp16 scale + 32 int8
	Q4_0: {"q4_0", 32, 18}, // fp16 scale + 16 bytes of nibbles
	// Per row as Q8_0 / Q4_0, but rows are interleaved: see X32Layout.
	Q8_0X32: {"q8_0x32", 32, 34},
	Q4_0X32: {"q4_0x32", 32, 18},
}

// Known reports whether t5go supports type t.
func (t Type) Known() bool { _, ok := table[t]; return ok }

// String is the lower-case ggml name ("q8_0"), or "type(N)" for unknown ids.
func (t Type) String() string {
	if tr, ok := table[t]; ok {
		return tr.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// BlockSize is the number of elements in one block (1 for float types).
func (t Type) BlockSize() int { return table[t].blockSize }

// BlockBytes is the size in bytes of one block.
func (t Type) BlockBytes() int { return table[t].blockBytes }

// RowBytes is the size of a row of n elements; n must be a multiple of the
// block size. (A Q4_0X32 tensor's rows are interleaved, so row i does not
// start at i·RowBytes; its total size is still rows·RowBytes.)
func (t Type) RowBytes(n int) int { return n / t.BlockSize() * t.BlockBytes() }

// Interleaved reports whether t stores rows interleaved in panels, so that
// a row is not a contiguous byte range.
func (t Type) Interleaved() bool { return t == Q8_0X32 || t == Q4_0X32 }

// Base is the type whose blocks t stores: Q8_0 for Q8_0X32, Q4_0 for
// Q4_0X32, else t.
func (t Type) Base() Type {
	switch t {
	case Q8_0X32:
		return Q8_0
	case Q4_0X32:
		return Q4_0
	}
	return t
}

// X32 is the interleaved type of base type t (Q8_0X32 for Q8_0, Q4_0X32
// for Q4_0), or t itself when it has none.
func (t Type) X32() Type {
	switch t {
	case Q8_0:
		return Q8_0X32
	case Q4_0:
		return Q4_0X32
	}
	return t
}

// ParseType maps a name such as "q4_0" to its Type.
func ParseType(name string) (Type, error) {
	for t, tr := range table {
		if tr.name == name {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q (want f32, f16, bf16, q8_0 or q4_0)", name)
}
