package gguf

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestWriterMisuse runs a script of calls against a fresh Writer; the last
// step must fail with the given error substring, all earlier ones succeed.
func TestWriterMisuse(t *testing.T) {
	type step func(w *Writer) error
	kv := func(k string, v any) step { return func(w *Writer) error { return w.SetKV(k, v) } }
	add := func(n string, ty tensor.Type, s ...int) step {
		return func(w *Writer) error { return w.AddTensor(n, ty, s) }
	}
	write := func(n string, size int) step {
		return func(w *Writer) error { return w.Write(n, make([]byte, size)) }
	}
	closeW := func(w *Writer) error { return w.Close() }
	for _, tc := range []struct {
		name  string
		steps []step
		err   string
	}{
		{"duplicate key", []step{kv("a", uint8(1)), kv("a", uint8(2))}, `duplicate key "a"`},
		{"empty key", []step{kv("", uint8(1))}, "empty key"},
		{"long key", []step{kv(strings.Repeat("k", 65536), uint8(1))}, "is 65536 bytes, max 65535"},
		{"int value", []step{kv("a", 5)}, `SetKV "a": unsupported value type int`},
		{"nested array", []step{kv("a", [][]int32{{1}})}, "unsupported value type [][]int32"},
		{"alignment type", []step{kv(alignmentKey, uint64(64))}, "want uint32"},
		{"alignment pow2", []step{kv(alignmentKey, uint32(48))}, "48 is not a power of two"},
		{"duplicate tensor", []step{add("x", tensor.F32, 4), add("x", tensor.F32, 4)}, `duplicate tensor name "x"`},
		{"empty name", []step{add("", tensor.F32, 4)}, "empty tensor name"},
		{"long name", []step{add(strings.Repeat("n", 64), tensor.F32, 4)}, "is 64 bytes, max 63"},
		{"no dims", []step{add("x", tensor.F32)}, `tensor "x": 0 dimensions, want 1 to 4`},
		{"five dims", []step{add("x", tensor.F32, 1, 1, 1, 1, 1)}, "5 dimensions"},
		{"zero dim", []step{add("x", tensor.F32, 4, 0)}, "dimension 1 is 0, want >= 1"},
		{"negative dim", []step{add("x", tensor.F32, -4)}, "dimension 0 is -4"},
		{"unknown type", []step{add("x", tensor.Type(12), 256)}, "unknown tensor type id 12"},
		{"block", []step{add("x", tensor.Q8_0, 48)}, "row length 48 is not a multiple of the q8_0 block size 32"},
		{"overflow", []step{add("x", tensor.F32, 1<<40, 1<<40)}, "overflows"},
		{"size overflow", []step{add("x", tensor.F32, 1<<31, 1<<31)}, "byte size overflows"},
		{"undeclared write", []step{add("x", tensor.F32, 4), write("y", 4)}, `no tensor "y" declared`},
		{"out of order", []step{add("x", tensor.F32, 4), add("y", tensor.F32, 4), write("x", 8), write("y", 4)},
			`Write "y": tensor "x" comes first and has 8 of 16 bytes`},
		{"overrun", []step{add("x", tensor.F32, 4), write("x", 8), write("x", 9)}, "chunk of 9 bytes overruns the tensor (8 of 16 bytes written)"},
		{"rewrite", []step{add("x", tensor.F32, 4), add("y", tensor.F32, 4), write("x", 16), write("x", 1)}, "already complete"},
		{"declare late", []step{add("x", tensor.F32, 4), write("x", 4), add("y", tensor.F32, 4)}, "declare everything first"},
		{"set late", []step{add("x", tensor.F32, 4), write("x", 4), kv("a", true)}, "declare everything first"},
		{"incomplete", []step{add("x", tensor.F32, 4), add("y", tensor.F32, 4), write("x", 16), write("y", 3), closeW},
			`tensor "y" is incomplete: 3 of 16 bytes written (1 tensors unwritten)`},
		{"unwritten", []step{add("x", tensor.F32, 4), closeW}, `tensor "x" is incomplete: 0 of 16`},
		{"after close", []step{closeW, kv("a", true)}, "writer is closed"},
		{"write after close", []step{add("x", tensor.F32, 4), write("x", 16), closeW, write("x", 0)}, "writer is closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(&bytes.Buffer{})
			var err error
			for i, s := range tc.steps {
				err = s(w)
				if i < len(tc.steps)-1 && err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
		})
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// An output error is reported and sticks.
func TestWriterOutputError(t *testing.T) {
	w := NewWriter(&failWriter{n: 10})
	w.AddTensor("x", tensor.F32, []int{1 << 19})
	var err error
	for range 4 {
		if err = w.Write("x", make([]byte, 1<<19)); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close: %v", err)
	}
	if err := w.Write("x", nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Write after failure: %v", err)
	}
}

// The writer pads after every tensor and places data at the alignment.
func TestWriterLayout(t *testing.T) {
	img := build(t, []KV{{alignmentKey, uint32(64)}}, []testTensor{
		{"a", tensor.F32, []int{3}}, {"b", tensor.F16, []int{33}}, {"c", tensor.Q8_0, []int{32}},
	}, 0)
	f, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	var offs []uint64
	for _, ti := range f.Tensors() {
		offs = append(offs, ti.Offset)
	}
	if want := []uint64{0, 64, 192}; !slices.Equal(offs, want) {
		t.Errorf("offsets %v, want %v", offs, want)
	}
	if len(img)%64 != 0 || len(img) != f.DataOffset()+256 {
		t.Errorf("file length %d, data offset %d", len(img), f.DataOffset())
	}
}
