package gguf

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// allValues has one KV of every scalar type and every array element type.
var allValues = []KV{
	{"general.architecture", "t5gemma2"},
	{"t.u8", uint8(200)},
	{"t.i8", int8(-100)},
	{"t.u16", uint16(60000)},
	{"t.i16", int16(-30000)},
	{"t.u32", uint32(4000000000)},
	{"t.i32", int32(-2000000000)},
	{"t.f32", float32(1.5)},
	{"t.bool", true},
	{"t.str", "héllo"},
	{"t.u64", uint64(math.MaxUint64)},
	{"t.i64", int64(math.MinInt64)},
	{"t.f64", math.Pi},
	{"t.au8", []uint8{1, 2, 255}},
	{"t.ai8", []int8{-1, 0, 127}},
	{"t.au16", []uint16{1, 65535}},
	{"t.ai16", []int16{-32768, 7}},
	{"t.au32", []uint32{0, 1, math.MaxUint32}},
	{"t.ai32", []int32{-5, 5}},
	{"t.af32", []float32{0.25, -3}},
	{"t.abool", []bool{true, false, true}},
	{"t.astr", []string{"", "a", "<pad>"}},
	{"t.au64", []uint64{1 << 40}},
	{"t.ai64", []int64{-1 << 40}},
	{"t.af64", []float64{1e300}},
	{"t.empty", []string{}},
}

type testTensor struct {
	name  string
	typ   tensor.Type
	shape []int
}

var allTensors = []testTensor{
	{"f32", tensor.F32, []int{3}},
	{"f16", tensor.F16, []int{5, 2}},
	{"bf16", tensor.BF16, []int{1, 1, 3}},
	{"q8", tensor.Q8_0, []int{64, 3}},
	{"q4", tensor.Q4_0, []int{32, 1, 2, 2}},
}

// pattern fills n bytes so that each tensor's data is distinguishable.
func pattern(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seed*31 + i*7)
	}
	return b
}

// build writes kvs and tensors with data from pattern, in chunks of chunk
// bytes (0: whole tensors).
func build(t testing.TB, kvs []KV, ts []testTensor, chunk int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, kv := range kvs {
		if err := w.SetKV(kv.Key, kv.Value); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range ts {
		if err := w.AddTensor(tt.name, tt.typ, tt.shape); err != nil {
			t.Fatal(err)
		}
	}
	for i, tt := range ts {
		data := pattern(i, sizeOf(tt))
		step := chunk
		if step == 0 {
			step = len(data)
		}
		for off := 0; off < len(data); off += step {
			if err := w.Write(tt.name, data[off:min(off+step, len(data))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sizeOf(tt testTensor) int {
	n := 1
	for _, d := range tt.shape {
		n *= d
	}
	return n / tt.typ.BlockSize() * tt.typ.BlockBytes()
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kvs   []KV
		chunk int
	}{
		{"whole", allValues, 0},
		{"chunk1", allValues, 1},
		{"chunk7", allValues, 7},
		{"align64", append([]KV{{alignmentKey, uint32(64)}}, allValues...), 5},
		{"align1", append([]KV{{alignmentKey, uint32(1)}}, allValues...), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := build(t, tc.kvs, allTensors, tc.chunk)
			f, err := Parse(img)
			if err != nil {
				t.Fatal(err)
			}
			checkFile(t, f, tc.kvs)
		})
	}
}

func checkFile(t *testing.T, f *File, kvs []KV) {
	t.Helper()
	if f.Version() != 3 {
		t.Errorf("version %d", f.Version())
	}
	if !reflect.DeepEqual(f.KVs(), kvs) {
		t.Errorf("KVs differ:\n got %v\nwant %v", f.KVs(), kvs)
	}
	want := uint32(32)
	if v, ok := f.Value(alignmentKey); ok {
		want = v.(uint32)
	}
	if f.Alignment() != int(want) || f.DataOffset()%int(want) != 0 {
		t.Errorf("alignment %d data offset %d, want alignment %d", f.Alignment(), f.DataOffset(), want)
	}
	if len(f.Tensors()) != len(allTensors) {
		t.Fatalf("%d tensors", len(f.Tensors()))
	}
	for i, tt := range allTensors {
		info := f.Tensors()[i]
		if info.Name != tt.name || info.Type != tt.typ || !reflect.DeepEqual(info.Shape, tt.shape) ||
			info.Size != uint64(sizeOf(tt)) || info.Offset%uint64(want) != 0 {
			t.Errorf("info %d: %+v, want %+v", i, info, tt)
		}
		v, err := f.Tensor(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(v.Data, pattern(i, sizeOf(tt))) || v.Type != tt.typ || !reflect.DeepEqual(v.Shape, tt.shape) {
			t.Errorf("tensor %q data or shape differs", tt.name)
		}
	}
	if _, err := f.Tensor("nope"); err == nil || err.Error() != `gguf: no tensor "nope"` {
		t.Errorf("missing tensor error: %v", err)
	}
}

func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := os.WriteFile(path, build(t, allValues, allTensors, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, allValues)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.Tensor("f32"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Tensor after Close: %v", err)
	}

	empty := filepath.Join(t.TempDir(), "empty.gguf")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Open(empty); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file opened")
	}
}

func TestNoTensors(t *testing.T) {
	img := build(t, []KV{{"a", "b"}}, nil, 0)
	f, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors()) != 0 || len(f.KVs()) != 1 {
		t.Errorf("got %d tensors %d KVs", len(f.Tensors()), len(f.KVs()))
	}
}

// Version 2 has the same layout as 3 and must be accepted.
func TestVersion2(t *testing.T) {
	img := build(t, allValues, allTensors, 0)
	img[4] = 2
	f, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version() != 2 {
		t.Errorf("version %d", f.Version())
	}
}
