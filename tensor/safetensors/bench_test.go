package safetensors

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// manyTensors is a header listing n empty tensors: the most entries per
// header byte, i.e. the most allocation per input byte.
func manyTensors(n int) []byte {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`, i)
	}
	b.WriteString("}")
	return image([]byte(b.String()), nil)
}

// longShape is one empty tensor with n dimensions.
func longShape(n int) []byte {
	return image([]byte(`{"a":{"dtype":"F32","shape":[0`+strings.Repeat(",0", n-1)+`],"data_offsets":[0,0]}}`), nil)
}

// TestParseAllocBound checks the fuzz target's allocation bound on inputs
// built to be worst cases, which random fuzzing rarely reaches.
func TestParseAllocBound(t *testing.T) {
	for _, c := range []struct {
		name string
		img  []byte
	}{
		{"many tensors", manyTensors(20000)},
		{"long shape", longShape(200000)},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Parse(c.img); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		runtime.ReadMemStats(&after)
		d := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes in, %d allocated (%.1fx)", c.name, len(c.img), d, float64(d)/float64(len(c.img)))
		if d > allocBound(len(c.img)) {
			t.Errorf("%s: %d bytes allocated for %d bytes of input", c.name, d, len(c.img))
		}
	}
}

func BenchmarkParse(b *testing.B) {
	img := manyTensors(2000)
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := Parse(img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloat32s(b *testing.B) {
	for _, dt := range []string{"F32", "F16", "BF16"} {
		b.Run(dt, func(b *testing.B) {
			n := 1 << 16
			info := Info{Name: "w", DType: dt, Shape: []int{n}, Data: make([]byte, n*dtypeSize[dt])}
			dst := make([]float32, n)
			b.SetBytes(int64(len(info.Data)))
			for b.Loop() {
				if err := info.Float32s(dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
