package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/t5go/t5go/tensor"
)

// Writer streams a GGUF v3 file. Declare every KV (SetKV) and tensor
// (AddTensor) first, then stream tensor data with Write in declaration order;
// one tensor's data may come in several chunks. The first Write (or Close)
// emits the header. The alignment is 32 unless general.alignment is set with
// SetKV (as a uint32 power of two), and that KV is written only when set.
// After any error the Writer refuses further use.
type Writer struct {
	out     *bufio.Writer
	n       uint64 // bytes written so far
	align   uint64
	kvs     []KV
	keys    map[string]bool
	tensors []TensorInfo
	names   map[string]int
	started bool // header written
	cur     int  // index of the tensor being written
	done    uint64
	err     error // sticky
	closed  bool
}

// NewWriter returns a Writer that writes to out. Close does not close out.
func NewWriter(out io.Writer) *Writer {
	return &Writer{
		out:   bufio.NewWriterSize(out, 1<<20),
		align: defaultAlignment,
		keys:  map[string]bool{},
		names: map[string]int{},
	}
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

// usable reports misuse of a writer that has failed, closed or, when
// declaring, already started streaming data.
func (w *Writer) usable(declaring bool, what string) error {
	switch {
	case w.err != nil:
		return fmt.Errorf("gguf: %s: writer failed earlier: %w", what, w.err)
	case w.closed:
		return fmt.Errorf("gguf: %s: writer is closed", what)
	case declaring && w.started:
		return fmt.Errorf("gguf: %s: tensor data has already started; declare everything first", what)
	}
	return nil
}

// SetKV declares one metadata entry; see KV for the accepted value types.
func (w *Writer) SetKV(key string, v any) error {
	if err := w.usable(true, fmt.Sprintf("SetKV %q", key)); err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return fmt.Errorf("gguf: SetKV: %w", err)
	}
	if w.keys[key] {
		return fmt.Errorf("gguf: SetKV: duplicate key %q", key)
	}
	if _, _, _, ok := typeOf(v); !ok {
		return fmt.Errorf("gguf: SetKV %q: unsupported value type %T", key, v)
	}
	if key == alignmentKey {
		a, ok := v.(uint32)
		if !ok {
			return fmt.Errorf("gguf: SetKV %q: value has type %T, want uint32", key, v)
		}
		if a == 0 || a&(a-1) != 0 {
			return fmt.Errorf("gguf: SetKV %q: %d is not a power of two", key, a)
		}
		w.align = uint64(a)
	}
	w.keys[key] = true
	w.kvs = append(w.kvs, KV{key, v})
	return nil
}

// AddTensor declares a tensor; its data must later be written with Write.
func (w *Writer) AddTensor(name string, t tensor.Type, shape []int) error {
	if err := w.usable(true, fmt.Sprintf("AddTensor %q", name)); err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return fmt.Errorf("gguf: AddTensor: %w", err)
	}
	if _, dup := w.names[name]; dup {
		return fmt.Errorf("gguf: AddTensor: duplicate tensor name %q", name)
	}
	dims := make([]uint64, len(shape))
	for i, d := range shape {
		if d < 1 {
			return fmt.Errorf("gguf: AddTensor: tensor %q: dimension %d is %d, want >= 1", name, i, d)
		}
		dims[i] = uint64(d)
	}
	s, size, err := checkShape(name, t, dims)
	if err != nil {
		return fmt.Errorf("gguf: AddTensor: %w", err)
	}
	w.names[name] = len(w.tensors)
	w.tensors = append(w.tensors, TensorInfo{Name: name, Type: t, Shape: s, Size: size})
	return nil
}

// Write appends the next chunk of the named tensor's data. Tensors must be
// completed in declaration order and each must receive exactly its size.
func (w *Writer) Write(name string, chunk []byte) error {
	if err := w.usable(false, fmt.Sprintf("Write %q", name)); err != nil {
		return err
	}
	if !w.started {
		if err := w.writeHeader(); err != nil {
			return err
		}
	}
	i, ok := w.names[name]
	switch {
	case !ok:
		return fmt.Errorf("gguf: Write: no tensor %q declared", name)
	case i < w.cur:
		return fmt.Errorf("gguf: Write %q: tensor is already complete", name)
	case i > w.cur:
		c := w.tensors[w.cur]
		return fmt.Errorf("gguf: Write %q: tensor %q comes first and has %d of %d bytes", name, c.Name, w.done, c.Size)
	}
	t := w.tensors[i]
	if uint64(len(chunk)) > t.Size-w.done {
		return fmt.Errorf("gguf: Write %q: chunk of %d bytes overruns the tensor (%d of %d bytes written)",
			name, len(chunk), w.done, t.Size)
	}
	if err := w.put(chunk); err != nil {
		return err
	}
	w.done += uint64(len(chunk))
	if w.done == t.Size {
		w.cur++
		w.done = 0
		return w.pad()
	}
	return nil
}

// Close writes the header if no data was written yet, checks that every
// tensor is complete and flushes. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	if w.err != nil {
		w.closed = true
		return w.err
	}
	if !w.started {
		if err := w.writeHeader(); err != nil {
			w.closed = true
			return err
		}
	}
	w.closed = true
	if w.cur < len(w.tensors) {
		t := w.tensors[w.cur]
		return w.fail(fmt.Errorf("gguf: Close: tensor %q is incomplete: %d of %d bytes written (%d tensors unwritten)",
			t.Name, w.done, t.Size, len(w.tensors)-w.cur))
	}
	if err := w.out.Flush(); err != nil {
		return w.fail(fmt.Errorf("gguf: %w", err))
	}
	return nil
}

// writeHeader lays out the data section and writes header, KVs and infos.
func (w *Writer) writeHeader() error {
	w.started = true
	var off uint64
	for i := range w.tensors {
		w.tensors[i].Offset = off
		end, ok := alignUp(off+w.tensors[i].Size, w.align)
		if !ok || off+w.tensors[i].Size < off {
			return w.fail(fmt.Errorf("gguf: data section overflows at tensor %q", w.tensors[i].Name))
		}
		off = end
	}
	le := binary.LittleEndian
	b := le.AppendUint32(nil, magic)
	b = le.AppendUint32(b, 3)
	b = le.AppendUint64(b, uint64(len(w.tensors)))
	b = le.AppendUint64(b, uint64(len(w.kvs)))
	for _, kv := range w.kvs {
		var err error
		if b, err = w.flushIfBig(b); err != nil {
			return err
		}
		t, _, _, _ := typeOf(kv.Value)
		b = appendValue(b, kv.Key)
		b = le.AppendUint32(b, uint32(t))
		b = appendValue(b, kv.Value)
	}
	for _, t := range w.tensors {
		b = appendValue(b, t.Name)
		b = le.AppendUint32(b, uint32(len(t.Shape)))
		for _, d := range t.Shape {
			b = le.AppendUint64(b, uint64(d))
		}
		b = le.AppendUint32(b, uint32(t.Type))
		b = le.AppendUint64(b, t.Offset)
	}
	if err := w.put(b); err != nil {
		return err
	}
	return w.pad()
}

// flushIfBig writes out the header buffer once it grows large, so a big
// vocabulary array is not held twice.
func (w *Writer) flushIfBig(b []byte) ([]byte, error) {
	if len(b) < 1<<20 {
		return b, nil
	}
	if err := w.put(b); err != nil {
		return nil, err
	}
	return b[:0], nil
}

func (w *Writer) put(p []byte) error {
	n, err := w.out.Write(p)
	w.n += uint64(n)
	if err != nil {
		return w.fail(fmt.Errorf("gguf: %w", err))
	}
	return nil
}

var zeros [256]byte

// pad writes zeros up to the next multiple of the alignment.
func (w *Writer) pad() error {
	end, _ := alignUp(w.n, w.align)
	for w.n < end {
		if err := w.put(zeros[:min(end-w.n, uint64(len(zeros)))]); err != nil {
			return err
		}
	}
	return nil
}
