package check

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor/safetensors"
)

// golden holds the tensors of a golden.safetensors file: float32 values and
// int64 ids.
type golden struct {
	f     map[string][]float32
	i     map[string][]int64
	shape map[string][]int
}

func readGolden(path string) (golden, error) {
	g := golden{f: map[string][]float32{}, i: map[string][]int64{}, shape: map[string][]int{}}
	f, err := safetensors.Open(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	for _, name := range f.Names() {
		t, _ := f.Tensor(name)
		g.shape[name] = t.Shape
		switch t.DType {
		case "F32":
			v := make([]float32, t.Elements())
			if err := t.Float32s(v); err != nil {
				return g, err
			}
			g.f[name] = v
		case "I64":
			v := make([]int64, t.Elements())
			for j := range v {
				v[j] = int64(binary.LittleEndian.Uint64(t.Data[8*j:]))
			}
			g.i[name] = v
		default:
			return g, fmt.Errorf("%s: tensor %q: dtype %s (golden files hold F32 and I64)", path, name, t.DType)
		}
	}
	return g, nil
}

func (g golden) floats(name string) ([]float32, bool) {
	v, ok := g.f[name]
	return v, ok
}

// ints returns a 2-D id tensor as int32 with its two dimensions.
func (g golden) ints(name string) ([]int32, int, int, error) {
	v, ok := g.i[name]
	s := g.shape[name]
	if !ok || len(s) != 2 {
		return nil, 0, 0, fmt.Errorf("golden: missing 2-D int64 tensor %q", name)
	}
	out := make([]int32, len(v))
	for j, x := range v {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, 0, 0, fmt.Errorf("golden: %q holds %d, outside int32", name, x)
		}
		out[j] = int32(x)
	}
	return out, s[0], s[1], nil
}

// intsShaped is ints with the expected rows and columns (-1 = any).
func (g golden) intsShaped(name string, rows, cols int) ([]int32, int, int, error) {
	v, r, c, err := g.ints(name)
	if err == nil && (r != rows || (cols >= 0 && c != cols)) {
		err = fmt.Errorf("golden: %q is %d×%d, want %d×%d", name, r, c, rows, cols)
	}
	return v, r, c, err
}
