package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// decoder reads little-endian fields from an in-memory image. Every read
// checks the bytes left first, so a lying length or count fails before any
// allocation it would size.
type decoder struct {
	b   []byte
	off int
}

func (d *decoder) left() int { return len(d.b) - d.off }

// take returns the next n bytes.
func (d *decoder) take(n int, what string) ([]byte, error) {
	if n > d.left() {
		return nil, fmt.Errorf("truncated %s: need %d bytes at offset %d, file has %d", what, n, d.off, len(d.b))
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p, nil
}

func (d *decoder) u32(what string) (uint32, error) {
	p, err := d.take(4, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	p, err := d.take(8, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(p), nil
}

// str reads a GGUF string: u64 length, then that many bytes (copied, so the
// result outlives an unmapped file).
func (d *decoder) str(what string) (string, error) {
	n, err := d.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > uint64(d.left()) {
		return "", fmt.Errorf("%s length %d exceeds the %d bytes left at offset %d", what, n, d.left(), d.off)
	}
	p, _ := d.take(int(n), what)
	return string(p), nil
}

// value reads one value of type t.
func (d *decoder) value(t ValueType) (any, error) {
	if t == TypeArray {
		return d.array()
	}
	if t == TypeString {
		return d.str("string")
	}
	sz := t.size()
	if sz == 0 {
		return nil, fmt.Errorf("unknown value type id %d", uint32(t))
	}
	p, err := d.take(sz, t.String()+" value")
	if err != nil {
		return nil, err
	}
	return scalar(t, p)
}

// scalar decodes a fixed-size scalar of type t from p.
func scalar(t ValueType, p []byte) (any, error) {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return p[0], nil
	case TypeInt8:
		return int8(p[0]), nil
	case TypeUint16:
		return le.Uint16(p), nil
	case TypeInt16:
		return int16(le.Uint16(p)), nil
	case TypeUint32:
		return le.Uint32(p), nil
	case TypeInt32:
		return int32(le.Uint32(p)), nil
	case TypeFloat32:
		return math.Float32frombits(le.Uint32(p)), nil
	case TypeBool:
		if p[0] > 1 {
			return nil, fmt.Errorf("bool value %d is not 0 or 1", p[0])
		}
		return p[0] == 1, nil
	case TypeUint64:
		return le.Uint64(p), nil
	case TypeInt64:
		return int64(le.Uint64(p)), nil
	case TypeFloat64:
		return math.Float64frombits(le.Uint64(p)), nil
	}
	return nil, fmt.Errorf("unknown value type id %d", uint32(t))
}

// array reads an array header and its elements into a typed slice.
func (d *decoder) array() (any, error) {
	et, err := d.u32("array element type")
	if err != nil {
		return nil, err
	}
	t := ValueType(et)
	if t == TypeArray {
		return nil, fmt.Errorf("nested arrays are not supported")
	}
	sz := t.size()
	if sz == 0 {
		return nil, fmt.Errorf("unknown array element type id %d", et)
	}
	n64, err := d.u64("array length")
	if err != nil {
		return nil, err
	}
	// Strings take at least their 8-byte length, so this bound holds for
	// them too and caps the slice allocated below.
	if n64 > uint64(d.left()/sz) {
		return nil, fmt.Errorf("array of %d %s elements needs at least %d bytes per element, only %d bytes left at offset %d",
			n64, t, sz, d.left(), d.off)
	}
	n := int(n64)
	if t == TypeString {
		return d.strings(n)
	}
	p, _ := d.take(n*sz, "array")
	return scalars(t, p, n)
}

// strings reads n strings into one shared backing allocation (a 262144-token
// vocabulary is then two allocations, not 262144): a first pass checks the
// lengths and sums them, a second copies.
func (d *decoder) strings(n int) ([]string, error) {
	start, total := d.off, 0
	for i := range n {
		l, err := d.u64("string length")
		if err != nil {
			return nil, fmt.Errorf("array element %d: %w", i, err)
		}
		if l > uint64(d.left()) {
			return nil, fmt.Errorf("array element %d: string length %d exceeds the %d bytes left at offset %d", i, l, d.left(), d.off)
		}
		d.off += int(l)
		total += int(l)
	}
	var sb strings.Builder
	sb.Grow(total)
	d.off = start
	for range n {
		l, _ := d.u64("")
		p, _ := d.take(int(l), "")
		sb.Write(p)
	}
	all := sb.String()
	out := make([]string, n)
	at := 0
	d.off = start
	for i := range out {
		l, _ := d.u64("")
		d.off += int(l)
		out[i] = all[at : at+int(l)]
		at += int(l)
	}
	return out, nil
}

// scalars decodes n fixed-size elements of type t from p.
func scalars(t ValueType, p []byte, n int) (any, error) {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return append([]uint8{}, p...), nil
	case TypeInt8:
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(p[i])
		}
		return out, nil
	case TypeUint16:
		out := make([]uint16, n)
		for i := range out {
			out[i] = le.Uint16(p[2*i:])
		}
		return out, nil
	case TypeInt16:
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(le.Uint16(p[2*i:]))
		}
		return out, nil
	case TypeUint32:
		out := make([]uint32, n)
		for i := range out {
			out[i] = le.Uint32(p[4*i:])
		}
		return out, nil
	case TypeInt32:
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(le.Uint32(p[4*i:]))
		}
		return out, nil
	case TypeFloat32:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(p[4*i:]))
		}
		return out, nil
	case TypeBool:
		out := make([]bool, n)
		for i := range out {
			if p[i] > 1 {
				return nil, fmt.Errorf("array element %d: bool value %d is not 0 or 1", i, p[i])
			}
			out[i] = p[i] == 1
		}
		return out, nil
	case TypeUint64:
		out := make([]uint64, n)
		for i := range out {
			out[i] = le.Uint64(p[8*i:])
		}
		return out, nil
	case TypeInt64:
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(le.Uint64(p[8*i:]))
		}
		return out, nil
	case TypeFloat64:
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(p[8*i:]))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown array element type id %d", uint32(t))
}
