package gguf

import (
	"bytes"
	"runtime"
	"testing"
	"unsafe"

	"github.com/t5go/t5go/tensor"
)

// FuzzParse checks that Parse never panics, never allocates much more than
// its input warrants, and that on success every tensor view lies inside the
// input, no two overlap, and the file survives a write/read round trip.
// Seeds are small writer images (built here, so nothing large is committed)
// plus any crashers Go saves under testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(build(f, allValues[:4], allTensors[:2], 0))
	f.Add(build(f, []KV{{alignmentKey, uint32(8)}, {"t.astr", []string{"a", "bc"}}}, allTensors[3:], 0))
	f.Add(build(f, []KV{{"t.ai32", []int32{1, -1}}, {"t.abool", []bool{true}}}, nil, 0))
	f.Add(rawImage(nil, infos(rawInfo("a", tensor.F32, 32, 16), rawInfo("b", tensor.F32, 0, 4)), make([]byte, 96)))
	// t5go's interleaved types: 2 rows of Q4_0X32 at 0, 1 row of Q8_0X32 at 64
	f.Add(rawImage(nil, infos(rawInfo("q4", tensor.Q4_0X32, 0, 32, 2), rawInfo("q8", tensor.Q8_0X32, 64, 32, 1)), make([]byte, 98)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		file, err := Parse(data)
		runtime.ReadMemStats(&after)
		if d, limit := after.TotalAlloc-before.TotalAlloc, uint64(64<<20+16*len(data)); d > limit {
			t.Fatalf("Parse of %d bytes allocated %d bytes (limit %d), err %v", len(data), d, limit, err)
		}
		if err != nil {
			return
		}
		checkViews(t, file, data)
		roundTrip(t, file)
	})
}

// checkViews asserts each view aliases data in bounds and no views overlap.
func checkViews(t *testing.T, file *File, data []byte) {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	type span struct{ lo, hi uintptr }
	var spans []span
	for _, ti := range file.Tensors() {
		v, err := file.Tensor(ti.Name)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(len(v.Data)) != ti.Size || len(v.Data) == 0 || len(v.Data) != v.Type.RowBytes(v.Shape[0])*v.Rows() {
			t.Fatalf("tensor %q: view of %d bytes, info says %d", ti.Name, len(v.Data), ti.Size)
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(v.Data))) - base
		hi := lo + uintptr(len(v.Data))
		if lo < uintptr(file.DataOffset()) || hi > uintptr(len(data)) {
			t.Fatalf("tensor %q: view [%d, %d) outside data section [%d, %d)", ti.Name, lo, hi, file.DataOffset(), len(data))
		}
		for _, s := range spans {
			if lo < s.hi && s.lo < hi {
				t.Fatalf("tensor %q: view [%d, %d) overlaps [%d, %d)", ti.Name, lo, hi, s.lo, s.hi)
			}
		}
		spans = append(spans, span{lo, hi})
	}
}

// roundTrip rewrites a parsed file and checks the copy parses to the same
// names, shapes and bytes.
func roundTrip(t *testing.T, file *File) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, kv := range file.KVs() {
		if err := w.SetKV(kv.Key, kv.Value); err != nil {
			t.Fatal(err)
		}
	}
	for _, ti := range file.Tensors() {
		if err := w.AddTensor(ti.Name, ti.Type, ti.Shape); err != nil {
			t.Fatal(err)
		}
	}
	for _, ti := range file.Tensors() {
		v, _ := file.Tensor(ti.Name)
		if err := w.Write(ti.Name, v.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("rewritten file: %v", err)
	}
	if len(g.KVs()) != len(file.KVs()) || len(g.Tensors()) != len(file.Tensors()) {
		t.Fatalf("rewritten file has %d KVs %d tensors, want %d, %d", len(g.KVs()), len(g.Tensors()), len(file.KVs()), len(file.Tensors()))
	}
	for i, ti := range file.Tensors() {
		a, _ := file.Tensor(ti.Name)
		b, err := g.Tensor(ti.Name)
		if err != nil || g.Tensors()[i].Name != ti.Name || !bytes.Equal(a.Data, b.Data) {
			t.Fatalf("tensor %q differs after rewrite (%v)", ti.Name, err)
		}
	}
}
