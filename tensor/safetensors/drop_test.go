package safetensors

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDrop: dropping a mapped tensor's pages keeps it readable, and Drop
// never touches heap memory an Info was built over.
func TestDrop(t *testing.T) {
	n := 3 * os.Getpagesize() / 4 // spans whole pages
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = float32(i) - 7.5
	}
	img := build(t, nil, tensorSpec{name: "w", dtype: "F32", shape: []int64{int64(n)}, data: f32Bytes(vals...)})
	check := func(name string, info Info) {
		got := make([]float32, n)
		if err := info.Float32s(got); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i] != vals[i] {
				t.Fatalf("%s: value %d = %v after Drop, want %v", name, i, got[i], vals[i])
			}
		}
	}

	heap, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := heap.Tensor("w")
	w.Drop()
	check("heap", w)

	path := filepath.Join(t.TempDir(), "m.safetensors")
	writeFile(t, filepath.Dir(path), filepath.Base(path), img)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w, _ = f.Tensor("w")
	w.Drop()
	check("mapped", w)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	w.Drop() // after Close: must be a no-op, not a fault
}
