// Package gguf reads and writes GGUF files, the container ggml and llama.cpp
// store models in.
//
// The reader validates like ggml's gguf.cpp, and in places more strictly:
// magic, versions 2 and 3 (1 and big-endian files are refused), counts and
// lengths bounded by the bytes left so no field can make it allocate more
// than the input warrants, unique non-empty keys and tensor names, 1 to 4
// dimensions each >= 1, overflow-checked element counts and byte sizes,
// known tensor types only, rows divisible by the block size, a uint32
// power-of-two general.alignment, aligned offsets, all tensor data inside the
// file and no two tensors overlapping. ggml additionally demands that tensors
// are packed in declaration order; this reader does not, any non-overlapping
// layout is accepted. Nested metadata arrays are refused.
//
// Tensor views alias the file: after Close they must not be used.
package gguf

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/t5go/t5go/tensor"
)

const (
	magic            = 0x46554747 // "GGUF" little-endian
	defaultAlignment = 32
	alignmentKey     = "general.alignment"

	// Smallest encodings, used to bound counts by the bytes left: a KV is a
	// key length, a 1-byte key, a type id and a 1-byte value; a tensor info
	// is a name length, a 1-byte name, n_dims, one dim, a type and an offset.
	minKVBytes     = 8 + 1 + 4 + 1
	minTensorBytes = 8 + 1 + 4 + 8 + 4 + 8
)

// File is a parsed GGUF image.
type File struct {
	data      []byte // the whole image; nil after Close
	unmap     func() error
	version   uint32
	alignment int
	dataStart int // offset of the data section in data
	kvs       []KV
	kvIndex   map[string]int
	tensors   []TensorInfo
	tIndex    map[string]int
}

// Parse validates an in-memory GGUF image. Metadata is copied out; tensor
// views alias data.
func Parse(data []byte) (*File, error) {
	d := &decoder{b: data}
	f := &File{data: data, alignment: defaultAlignment}
	if err := f.header(d); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) header(d *decoder) error {
	p, err := d.take(4, "header (magic)")
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	if binary.LittleEndian.Uint32(p) != magic {
		return fmt.Errorf("gguf: bad magic %q, want \"GGUF\"", p)
	}
	if f.version, err = d.u32("header (version)"); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	switch v := f.version; {
	case v == 1:
		return fmt.Errorf("gguf: version 1 is not supported (want 2 or 3)")
	case v != 0 && v&0xFFFF == 0:
		return fmt.Errorf("gguf: version field %#x looks big-endian; only little-endian files are supported", v)
	case v != 2 && v != 3:
		return fmt.Errorf("gguf: unsupported version %d (want 2 or 3)", v)
	}
	nt, err := d.u64("header (tensor count)")
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	nkv, err := d.u64("header (KV count)")
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	left := uint64(d.left())
	if nt > left/minTensorBytes {
		return fmt.Errorf("gguf: tensor count %d is too large for the %d bytes after the header", nt, left)
	}
	if nkv > (left-nt*minTensorBytes)/minKVBytes {
		return fmt.Errorf("gguf: KV count %d is too large for the %d bytes after the header", nkv, left)
	}
	if err := f.readKVs(d, int(nkv)); err != nil {
		return err
	}
	if err := f.readAlignment(); err != nil {
		return err
	}
	if err := f.readInfos(d, int(nt)); err != nil {
		return err
	}
	return f.checkLayout(d.off)
}

func (f *File) readKVs(d *decoder, n int) error {
	f.kvs = make([]KV, 0, n)
	f.kvIndex = make(map[string]int, n)
	for i := range n {
		key, err := d.str("key")
		if err != nil {
			return fmt.Errorf("gguf: KV %d: %w", i, err)
		}
		if err := checkKey(key); err != nil {
			return fmt.Errorf("gguf: KV %d: %w", i, err)
		}
		if _, dup := f.kvIndex[key]; dup {
			return fmt.Errorf("gguf: duplicate key %q", key)
		}
		t, err := d.u32("value type")
		if err != nil {
			return fmt.Errorf("gguf: KV %q: %w", key, err)
		}
		v, err := d.value(ValueType(t))
		if err != nil {
			return fmt.Errorf("gguf: KV %q: %w", key, err)
		}
		f.kvIndex[key] = len(f.kvs)
		f.kvs = append(f.kvs, KV{key, v})
	}
	return nil
}

func (f *File) readAlignment() error {
	v, ok := f.Value(alignmentKey)
	if !ok {
		return nil
	}
	a, ok := v.(uint32)
	if !ok {
		t, _, _, _ := typeOf(v)
		return fmt.Errorf("gguf: %s has type %s, want uint32", alignmentKey, t)
	}
	if a == 0 || a&(a-1) != 0 {
		return fmt.Errorf("gguf: %s %d is not a power of two", alignmentKey, a)
	}
	f.alignment = int(a)
	return nil
}

func (f *File) readInfos(d *decoder, n int) error {
	f.tensors = make([]TensorInfo, 0, n)
	f.tIndex = make(map[string]int, n)
	var dims [maxDims]uint64
	for i := range n {
		name, err := d.str("tensor name")
		if err != nil {
			return fmt.Errorf("gguf: tensor info %d: %w", i, err)
		}
		if err := checkName(name); err != nil {
			return fmt.Errorf("gguf: tensor info %d: %w", i, err)
		}
		if _, dup := f.tIndex[name]; dup {
			return fmt.Errorf("gguf: duplicate tensor name %q", name)
		}
		nd, err := d.u32("n_dims")
		if err != nil {
			return fmt.Errorf("gguf: tensor %q: %w", name, err)
		}
		if nd < 1 || nd > maxDims {
			return fmt.Errorf("gguf: tensor %q: %d dimensions, want 1 to %d", name, nd, maxDims)
		}
		for j := range nd {
			if dims[j], err = d.u64("dimension"); err != nil {
				return fmt.Errorf("gguf: tensor %q: %w", name, err)
			}
		}
		typ, err := d.u32("type")
		if err != nil {
			return fmt.Errorf("gguf: tensor %q: %w", name, err)
		}
		off, err := d.u64("offset")
		if err != nil {
			return fmt.Errorf("gguf: tensor %q: %w", name, err)
		}
		shape, size, err := checkShape(name, tensor.Type(typ), dims[:nd])
		if err != nil {
			return fmt.Errorf("gguf: %w", err)
		}
		if off%uint64(f.alignment) != 0 {
			return fmt.Errorf("gguf: tensor %q: offset %d is not a multiple of the alignment %d", name, off, f.alignment)
		}
		f.tIndex[name] = len(f.tensors)
		f.tensors = append(f.tensors, TensorInfo{name, tensor.Type(typ), shape, off, size})
	}
	return nil
}

// checkLayout places the data section after the infos and checks that every
// tensor lies inside the file and that no two overlap.
func (f *File) checkLayout(end int) error {
	start, _ := alignUp(uint64(end), uint64(f.alignment)) // end <= len(data), alignment <= 2^31: no overflow
	if len(f.tensors) == 0 {
		f.dataStart = min(int(start), len(f.data))
		return nil
	}
	if start > uint64(len(f.data)) {
		return fmt.Errorf("gguf: data section would start at %d, past the end of the file (%d bytes)", start, len(f.data))
	}
	f.dataStart = int(start)
	n := uint64(len(f.data) - f.dataStart)
	for _, t := range f.tensors {
		if t.Offset > n || t.Size > n-t.Offset {
			return fmt.Errorf("gguf: tensor %q: %d bytes at data offset %d run past the end of the file (data section has %d bytes)",
				t.Name, t.Size, t.Offset, n)
		}
	}
	order := make([]int, len(f.tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		oa, ob := f.tensors[a].Offset, f.tensors[b].Offset
		if oa < ob {
			return -1
		}
		if oa > ob {
			return 1
		}
		return 0
	})
	for i := 1; i < len(order); i++ {
		a, b := f.tensors[order[i-1]], f.tensors[order[i]]
		if a.Offset+a.Size > b.Offset {
			return fmt.Errorf("gguf: tensor %q (data offset %d, %d bytes) overlaps tensor %q (data offset %d)",
				a.Name, a.Offset, a.Size, b.Name, b.Offset)
		}
	}
	return nil
}

// Close releases the mapping, if any. It is safe to call twice; views from
// Tensor must not be used afterwards.
func (f *File) Close() error {
	f.data = nil
	if f.unmap == nil {
		return nil
	}
	u := f.unmap
	f.unmap = nil
	return u()
}

// Version is the file's GGUF version (2 or 3).
func (f *File) Version() uint32 { return f.version }

// Alignment is the data alignment in bytes (general.alignment, default 32).
func (f *File) Alignment() int { return f.alignment }

// DataOffset is the file offset of the data section.
func (f *File) DataOffset() int { return f.dataStart }

// KVs returns the metadata in file order. The slice is shared; do not modify.
func (f *File) KVs() []KV { return f.kvs }

// Has reports whether key is present.
func (f *File) Has(key string) bool { _, ok := f.kvIndex[key]; return ok }

// Value returns the value of key.
func (f *File) Value(key string) (any, bool) {
	i, ok := f.kvIndex[key]
	if !ok {
		return nil, false
	}
	return f.kvs[i].Value, true
}

// Tensors returns the tensor infos in file order. The slice is shared; do not
// modify.
func (f *File) Tensors() []TensorInfo { return f.tensors }

// Tensor returns a zero-copy view of the named tensor.
func (f *File) Tensor(name string) (tensor.Tensor, error) {
	i, ok := f.tIndex[name]
	if !ok {
		return tensor.Tensor{}, fmt.Errorf("gguf: no tensor %q", name)
	}
	if f.data == nil {
		return tensor.Tensor{}, fmt.Errorf("gguf: tensor %q: file is closed", name)
	}
	t := f.tensors[i]
	start := f.dataStart + int(t.Offset)
	end := start + int(t.Size)
	return tensor.Tensor{Name: t.Name, Type: t.Type, Shape: slices.Clone(t.Shape), Data: f.data[start:end:end]}, nil
}
