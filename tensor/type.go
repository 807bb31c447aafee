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
)

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
// block size.
func (t Type) RowBytes(n int) int { return n / t.BlockSize() * t.BlockBytes() }

// ParseType maps a name such as "q4_0" to its Type.
func ParseType(name string) (Type, error) {
	for t, tr := range table {
		if tr.name == name {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q (want f32, f16, bf16, q8_0 or q4_0)", name)
}
