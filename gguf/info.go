package gguf

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/t5go/t5go/tensor"
)

// Limits shared by the reader and the writer.
const (
	maxDims    = 4     // ggml's GGML_MAX_DIMS
	maxNameLen = 63    // ggml's GGML_MAX_NAME is 64 bytes including the NUL
	maxKeyLen  = 65535 // GGUF spec limit on key length
)

// TensorInfo describes one tensor as declared in the file. Offset is relative
// to the start of the data section; Size is the data's byte length.
type TensorInfo struct {
	Name   string
	Type   tensor.Type
	Shape  []int
	Offset uint64
	Size   uint64
}

// checkName applies ggml's tensor name rules.
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty tensor name")
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("tensor name %.20q... is %d bytes, max %d", name, len(name), maxNameLen)
	}
	return nil
}

// checkKey applies the spec's key rules.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty key")
	}
	if len(key) > maxKeyLen {
		return fmt.Errorf("key %.20q... is %d bytes, max %d", key, len(key), maxKeyLen)
	}
	return nil
}

// checkShape validates a tensor's type and dimensions and returns its shape
// and byte size. The element count must fit an int (so Tensor.Elements cannot
// overflow) and so must the byte size.
func checkShape(name string, t tensor.Type, dims []uint64) ([]int, uint64, error) {
	if len(dims) < 1 || len(dims) > maxDims {
		return nil, 0, fmt.Errorf("tensor %q: %d dimensions, want 1 to %d", name, len(dims), maxDims)
	}
	if !t.Known() {
		return nil, 0, fmt.Errorf("tensor %q: unknown tensor type id %d", name, uint32(t))
	}
	n := uint64(1)
	for i, d := range dims {
		if d < 1 {
			return nil, 0, fmt.Errorf("tensor %q: dimension %d is %d, want >= 1", name, i, d)
		}
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > math.MaxInt {
			return nil, 0, fmt.Errorf("tensor %q: shape %v overflows the element count", name, dims)
		}
		n = lo
	}
	bs := uint64(t.BlockSize())
	if dims[0]%bs != 0 {
		return nil, 0, fmt.Errorf("tensor %q: row length %d is not a multiple of the %s block size %d", name, dims[0], t, bs)
	}
	hi, size := bits.Mul64(n/bs, uint64(t.BlockBytes()))
	if hi != 0 || size > math.MaxInt {
		return nil, 0, fmt.Errorf("tensor %q: shape %v: %s byte size overflows", name, dims, t)
	}
	shape := make([]int, len(dims))
	for i, d := range dims {
		shape[i] = int(d)
	}
	return shape, size, nil
}

// alignUp rounds n up to a multiple of the power of two a; ok is false on
// overflow.
func alignUp(n, a uint64) (uint64, bool) {
	r := (n + a - 1) &^ (a - 1)
	return r, r >= n
}
