package safetensors

import (
	"runtime"
	"sort"
	"testing"
)

// allocBound is how much Parse may allocate for an input of n bytes: the
// JSON decoder, the member list and the tensor map are all linear in the
// header, so anything beyond this means an input-controlled allocation.
func allocBound(n int) uint64 { return 64*uint64(n) + 256<<10 }

func FuzzParse(f *testing.F) {
	f.Add(build(f, map[string]string{"format": "pt"},
		tensorSpec{name: "a", dtype: "F32", shape: []int64{2, 2}, data: f32Bytes(1, 2, 3, 4)},
		tensorSpec{name: "b", dtype: "BF16", shape: []int64{1}, data: []byte{0x80, 0x3f}},
		tensorSpec{name: "c", dtype: "I64", shape: []int64{0}},
	))
	f.Add(build(f, nil, tensorSpec{name: "x", dtype: "F16", shape: []int64{3}, data: []byte{0, 0x3c, 0, 0x40, 0, 0x42}}))
	f.Add(image([]byte(`{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}}`), make([]byte, 4)))
	f.Add(image([]byte(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`), make([]byte, 4)))
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		file, err := Parse(data)
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > allocBound(len(data)) {
			t.Fatalf("Parse of %d bytes allocated %d bytes (bound %d)", len(data), d, allocBound(len(data)))
		}
		if err != nil {
			return
		}
		names := file.Names()
		if !sort.StringsAreSorted(names) {
			t.Fatalf("names not sorted: %q", names)
		}
		for _, n := range names {
			info, ok := file.Tensor(n)
			if !ok {
				t.Fatalf("listed tensor %q not found", n)
			}
			if len(info.Data) != info.Elements()*dtypeSize[info.DType] {
				t.Fatalf("tensor %q: %d bytes for %d %s values", n, len(info.Data), info.Elements(), info.DType)
			}
			if info.Elements() <= 1<<16 {
				err := info.Float32s(make([]float32, info.Elements()))
				isFloat := info.DType == "F32" || info.DType == "F16" || info.DType == "BF16"
				if (err == nil) != isFloat {
					t.Fatalf("tensor %q (%s): Float32s error %v", n, info.DType, err)
				}
			}
		}
	})
}
