package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestGoldenGGUFPy checks byte identity with gguf-py's quantizer (and numpy's
// float16 cast) on the inputs of testdata/make_golden.py, block by block, so
// a failure names the first differing block and its input.
func TestGoldenGGUFPy(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "input.f32"))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(raw)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	if len(x) == 0 || len(x)%QK != 0 {
		t.Fatalf("input.f32 holds %d values", len(x))
	}
	for _, c := range []struct {
		file string
		typ  tensor.Type
	}{
		{"out.q8_0", tensor.Q8_0}, {"out.q4_0", tensor.Q4_0}, {"out.f16", tensor.F16}, {"out.bf16", tensor.BF16},
	} {
		want, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, c.typ.RowBytes(len(x)))
		if err := Quantize(c.typ, got, x); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(got) {
			t.Fatalf("%s: %d bytes, want %d", c.file, len(got), len(want))
		}
		bb := c.typ.RowBytes(QK) // bytes per 32 values
		bad := 0
		for b := 0; b < len(x)/QK; b++ {
			g, w := got[b*bb:(b+1)*bb], want[b*bb:(b+1)*bb]
			if string(g) != string(w) {
				if bad++; bad <= 3 {
					t.Errorf("%v block %d differs:\n in   %v\n got  %x\n want %x", c.typ, b, x[b*QK:(b+1)*QK], g, w)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%v: %d of %d blocks differ", c.typ, bad, len(x)/QK)
		}
	}
}

// TestGoldenDequantize: decoding the golden bytes gives the same values
// gguf-py's formulas do (w = d·q in float32), checked on a few blocks by hand.
func TestGoldenDequantize(t *testing.T) {
	q8 := []byte{0x00, 0x3c, 0x7f, 0x81, 0x00, 0x01} // d = 1
	q8 = append(q8, make([]byte, BlockQ8_0Bytes-len(q8))...)
	y := make([]float32, QK)
	if err := Dequantize(tensor.Q8_0, y, q8); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(y[:4]) != "[127 -127 0 1]" {
		t.Errorf("q8_0 = %v", y[:4])
	}
	q4 := []byte{0x00, 0xc0, 0x80, 0x0f} // d = -2
	q4 = append(q4, make([]byte, BlockQ4_0Bytes-len(q4))...)
	if err := Dequantize(tensor.Q4_0, y, q4); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(y[0], y[1], y[16], y[17], y[2]) != "16 -14 -0 16 16" {
		t.Errorf("q4_0 = %v", y)
	}
}
