package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"unicode/utf8"
)

// MaxHeader bounds the JSON header; real checkpoints use well under 1 MB.
const MaxHeader = 100 << 20

// File is one parsed safetensors image.
type File struct {
	tensors map[string]Info
	names   []string
	meta    map[string]string
	unmap   func() error
}

type entry struct {
	DType   *string  `json:"dtype"`
	Shape   *[]int64 `json:"shape"`
	Offsets *[]int64 `json:"data_offsets"`
}

// Parse validates an in-memory safetensors image. The returned File's
// tensors are views into data.
func Parse(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("safetensors: file has %d bytes, too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > MaxHeader {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d-byte limit", n, MaxHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("safetensors: header length %d runs past the end of the %d-byte file", n, len(data))
	}
	header, body := data[8:8+n], data[8+n:]
	if !utf8.Valid(header) {
		return nil, errors.New("safetensors: header is not valid UTF-8")
	}
	raw, err := splitObject(header)
	if err != nil {
		return nil, fmt.Errorf("safetensors: header: %w", err)
	}
	f := &File{tensors: make(map[string]Info, len(raw))}
	type span struct {
		name       string
		begin, end int64
	}
	var spans []span
	for _, kv := range raw {
		if kv.key == "__metadata__" {
			if err := json.Unmarshal(kv.val, &f.meta); err != nil {
				return nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		info, b, e, err := parseEntry(kv.key, kv.val, int64(len(body)))
		if err != nil {
			return nil, err
		}
		info.Data = body[b:e:e]
		f.tensors[kv.key] = info
		f.names = append(f.names, kv.key)
		spans = append(spans, span{kv.key, b, e})
	}
	sort.Strings(f.names)
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	for i := 1; i < len(spans); i++ {
		if p, s := spans[i-1], spans[i]; s.begin < p.end {
			return nil, fmt.Errorf("safetensors: tensors %q [%d,%d) and %q [%d,%d) overlap",
				p.name, p.begin, p.end, s.name, s.begin, s.end)
		}
	}
	return f, nil
}

func parseEntry(name string, val []byte, bodyLen int64) (Info, int64, int64, error) {
	fail := func(format string, a ...any) (Info, int64, int64, error) {
		return Info{}, 0, 0, fmt.Errorf("safetensors: tensor %q: "+format, append([]any{name}, a...)...)
	}
	var e entry
	// Unknown fields are ignored, as the reference Rust reader does.
	if err := json.Unmarshal(val, &e); err != nil {
		return fail("bad entry: %v", err)
	}
	switch {
	case e.DType == nil:
		return fail("missing dtype")
	case e.Shape == nil:
		return fail("missing shape")
	case e.Offsets == nil:
		return fail("missing data_offsets")
	}
	size, ok := dtypeSize[*e.DType]
	if !ok {
		return fail("unknown dtype %q", *e.DType)
	}
	// Elements are bounded by the data section, so the product is checked
	// against it step by step and cannot overflow.
	elems := int64(1)
	shape := make([]int, len(*e.Shape))
	for k, d := range *e.Shape {
		if d < 0 {
			return fail("negative dimension %d in shape %v", d, *e.Shape)
		}
		shape[k] = int(d)
		if elems != 0 && d > math.MaxInt64/elems {
			return fail("shape %v overflows", *e.Shape)
		}
		elems *= d
	}
	off := *e.Offsets
	if len(off) != 2 {
		return fail("data_offsets %v must be [begin, end]", off)
	}
	b, en := off[0], off[1]
	if b < 0 || b > en || en > bodyLen {
		return fail("data_offsets [%d,%d] outside the %d-byte data section", b, en, bodyLen)
	}
	if elems > (en-b)/int64(size) || elems*int64(size) != en-b {
		return fail("shape %v of %s needs %s bytes, data_offsets give %d",
			*e.Shape, *e.DType, byteCount(elems, size), en-b)
	}
	return Info{Name: name, DType: *e.DType, Shape: shape}, b, en, nil
}

func byteCount(elems int64, size int) string {
	if elems > math.MaxInt64/int64(size) {
		return fmt.Sprintf("%d×%d", elems, size)
	}
	return fmt.Sprint(elems * int64(size))
}

type member struct {
	key string
	val json.RawMessage
}

// splitObject reads a JSON object into its members in file order and
// rejects duplicate keys, which encoding/json would silently merge.
func splitObject(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		key := tok.(string) // object keys are always strings
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid JSON at %q: %v", key, err)
		}
		out = append(out, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	// Only whitespace (safetensors pads with spaces) may follow the object.
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("trailing data after the JSON object")
	}
	return out, nil
}

// Names lists the tensor names, sorted.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Tensor returns the named tensor.
func (f *File) Tensor(name string) (Info, bool) {
	i, ok := f.tensors[name]
	return i, ok
}

// Metadata returns a copy of the "__metadata__" map (empty if absent).
func (f *File) Metadata() map[string]string {
	if f.meta == nil {
		return map[string]string{}
	}
	return maps.Clone(f.meta)
}

// Close unmaps the file; tensors read from it must not be used afterwards.
func (f *File) Close() error {
	if f.unmap == nil {
		return nil
	}
	u := f.unmap
	f.unmap = nil
	return u()
}
