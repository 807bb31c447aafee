// Package safetensors reads Hugging Face safetensors files and checkpoint
// folders (one model.safetensors, or shards listed by
// model.safetensors.index.json). Files are mapped read-only and tensors are
// zero-copy views; everything in the header is validated before use.
//
// Dtypes: every dtype of the safetensors format is accepted in a file's
// listing and size-checked (golden files hold I64 token ids), an unknown
// dtype string is an error when the file is opened, and Float32s converts
// only F32, F16 and BF16; any other dtype is an error naming the tensor.
package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/quant"
)

// dtypeSize is the element size in bytes of each safetensors dtype.
var dtypeSize = map[string]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1,
	"U16": 2, "I16": 2, "F16": 2, "BF16": 2,
	"U32": 4, "I32": 4, "F32": 4,
	"U64": 8, "I64": 8, "F64": 8,
}

// Info is one tensor: a view into the mapped file, valid until Close.
type Info struct {
	Name  string
	DType string // "F32", "F16", "BF16", or another safetensors dtype
	Shape []int  // PyTorch order, outermost first
	Data  []byte // little-endian elements, row-major
}

// Elements is the product of the dimensions (1 for a scalar).
func (i Info) Elements() int {
	n := 1
	for _, d := range i.Shape {
		n *= d
	}
	return n
}

// Float32s converts the tensor to float32 into dst, which must hold exactly
// Elements() values. Only F32, F16 and BF16 convert.
func (i Info) Float32s(dst []float32) error {
	size := 0
	switch i.DType {
	case "F32":
		size = 4
	case "F16", "BF16":
		size = 2
	default:
		return fmt.Errorf("safetensors: tensor %q: dtype %s cannot be read as float32 (want F32, F16 or BF16)", i.Name, i.DType)
	}
	if err := i.checkLen(len(dst), size); err != nil {
		return err
	}
	src := i.Data
	switch i.DType {
	case "F32":
		for k := range dst {
			dst[k] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*k:]))
		}
	case "F16":
		for k := range dst {
			dst[k] = quant.F16ToF32(binary.LittleEndian.Uint16(src[2*k:]))
		}
	case "BF16":
		for k := range dst {
			dst[k] = quant.BF16ToF32(binary.LittleEndian.Uint16(src[2*k:]))
		}
	}
	return nil
}

// Int64s copies an I64 tensor (e.g. token ids in golden files) into dst,
// which must hold exactly Elements() values.
func (i Info) Int64s(dst []int64) error {
	if i.DType != "I64" {
		return fmt.Errorf("safetensors: tensor %q: dtype %s cannot be read as int64 (want I64)", i.Name, i.DType)
	}
	if err := i.checkLen(len(dst), 8); err != nil {
		return err
	}
	for k := range dst {
		dst[k] = int64(binary.LittleEndian.Uint64(i.Data[8*k:]))
	}
	return nil
}

func (i Info) checkLen(n, size int) error {
	if n != i.Elements() {
		return fmt.Errorf("safetensors: tensor %q: destination holds %d values, want %d (shape %v)",
			i.Name, n, i.Elements(), i.Shape)
	}
	if len(i.Data) != n*size {
		return fmt.Errorf("safetensors: tensor %q: %d data bytes, want %d for %d %s values",
			i.Name, len(i.Data), n*size, n, i.DType)
	}
	return nil
}
