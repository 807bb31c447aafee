package quant

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor"
)

var allTypes = []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0}

func randValues(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * math.Exp(r.Float64()*8-4))
	}
	return x
}

// TestRoundTripBounds checks dequant(quant(x)) against per-type error bounds:
// relative half-ulp for the float types, and a fraction of the block's
// largest magnitude for the block types.
func TestRoundTripBounds(t *testing.T) {
	x := randValues(32*257, 7)
	for _, typ := range allTypes {
		q := make([]byte, typ.RowBytes(len(x)))
		if err := Quantize(typ, q, x); err != nil {
			t.Fatal(err)
		}
		y := make([]float32, len(x))
		if err := Dequantize(typ, y, q); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			var bound float64
			switch typ {
			case tensor.F32:
				bound = 0
			case tensor.F16:
				bound = math.Abs(float64(x[i]))*0x1p-11 + 0x1p-25 // subnormal step/2
			case tensor.BF16:
				bound = math.Abs(float64(x[i])) * 0x1p-8
			case tensor.Q8_0, tensor.Q4_0:
				amax := 0.0
				for _, v := range x[i/QK*QK : i/QK*QK+QK] {
					amax = math.Max(amax, math.Abs(float64(v)))
				}
				if typ == tensor.Q8_0 {
					bound = amax / 127 * (0.5 + 127*0x1p-11) // rounding + fp16 d
				} else {
					bound = amax / 8 * (1 + 16*0x1p-11) // the clipped side may be off by one step
				}
			}
			if e := math.Abs(float64(x[i]) - float64(y[i])); e > bound {
				t.Fatalf("%v: x[%d]=%g back %g: error %g > bound %g", typ, i, x[i], y[i], e, bound)
			}
		}
	}
}

// TestQuantizeIdempotent: quantizing dequantized data gives the same bytes
// for the float types and Q8_0 (values already on the grid).
func TestQuantizeIdempotent(t *testing.T) {
	x := randValues(32*64, 3)
	for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16} {
		q := make([]byte, typ.RowBytes(len(x)))
		y := make([]float32, len(x))
		q2 := make([]byte, len(q))
		if err := Quantize(typ, q, x); err != nil {
			t.Fatal(err)
		}
		_ = Dequantize(typ, y, q)
		_ = Quantize(typ, q2, y)
		if string(q) != string(q2) {
			t.Errorf("%v: quantize(dequantize(q)) != q", typ)
		}
	}
}

func TestSizeErrors(t *testing.T) {
	cases := []struct {
		name    string
		typ     tensor.Type
		nDst    int
		nSrc    int
		deq     bool
		wantErr string
	}{
		{"q8 odd length", tensor.Q8_0, 34, 33, false, "33 values is not a multiple of the block size 32"},
		{"q4 odd length", tensor.Q4_0, 18, 31, false, "31 values is not a multiple"},
		{"q8 short dst", tensor.Q8_0, 33, 32, false, "destination has 33 bytes, want 34"},
		{"f16 long dst", tensor.F16, 10, 4, false, "destination has 10 bytes, want 8"},
		{"unknown type", tensor.Type(7), 0, 0, false, "unsupported type type(7)"},
		{"deq q4 partial block", tensor.Q4_0, 32, 17, true, "source has 17 bytes, not a multiple of the 18-byte block"},
		{"deq q8 wrong dst", tensor.Q8_0, 31, 34, true, "destination has 31 values, want 32"},
		{"deq f32 partial", tensor.F32, 1, 3, true, "source has 3 bytes"},
		{"deq unknown", tensor.Type(99), 0, 0, true, "unsupported type type(99)"},
	}
	for _, c := range cases {
		var err error
		if c.deq {
			err = Dequantize(c.typ, make([]float32, c.nDst), make([]byte, c.nSrc))
		} else {
			err = Quantize(c.typ, make([]byte, c.nDst), make([]float32, c.nSrc))
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.wantErr)
		}
	}
}

func TestFallback(t *testing.T) {
	cases := []struct {
		typ  tensor.Type
		n    int
		want tensor.Type
	}{
		{tensor.Q8_0, 4304, tensor.F16}, // SigLIP fc2 input
		{tensor.Q4_0, 4304, tensor.F16},
		{tensor.Q8_0, 1152, tensor.Q8_0},
		{tensor.Q4_0, 640, tensor.Q4_0},
		{tensor.BF16, 4304, tensor.BF16},
		{tensor.F32, 7, tensor.F32},
		{tensor.F16, 7, tensor.F16},
	}
	for _, c := range cases {
		if got := Fallback(c.typ, c.n); got != c.want {
			t.Errorf("Fallback(%v, %d) = %v, want %v", c.typ, c.n, got, c.want)
		}
	}
}

func TestScalarFloats(t *testing.T) {
	cases := []struct {
		f        float32
		f16, b16 uint16
	}{
		{0, 0, 0},
		{float32(math.Copysign(0, -1)), 0x8000, 0x8000},
		{1, 0x3c00, 0x3f80},
		{-2, 0xc000, 0xc000},
		{65504, 0x7bff, 0x4780},
		{65520, 0x7c00, 0x4780},                            // f16 tie rounds up to Inf
		{0x1p-24, 0x0001, 0x3380},                          // smallest f16 subnormal
		{0x1p-25, 0x0000, 0x3300},                          // tie to even: 0
		{math.Float32frombits(0x3f808000), 0x3c04, 0x3f80}, // bf16 tie, even stays
		{math.Float32frombits(0x3f818000), 0x3c0c, 0x3f82}, // bf16 tie, odd rounds up
		{math.Float32frombits(0x7f7fffff), 0x7c00, 0x7f80}, // max float32 -> Inf
		{float32(math.Inf(-1)), 0xfc00, 0xff80},
	}
	for _, c := range cases {
		if got := F32ToF16(c.f); got != c.f16 {
			t.Errorf("F32ToF16(%g) = %#04x, want %#04x", c.f, got, c.f16)
		}
		if got := F32ToBF16(c.f); got != c.b16 {
			t.Errorf("F32ToBF16(%g) = %#04x, want %#04x", c.f, got, c.b16)
		}
	}
	// A NaN whose top payload bits are zero must stay NaN, not become Inf.
	if b := F32ToBF16(math.Float32frombits(0x7f800001)); b != 0x7fc0 {
		t.Errorf("F32ToBF16(sNaN) = %#04x, want 0x7fc0", b)
	}
	if h := F32ToF16(math.Float32frombits(0x7f800001)); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("F32ToF16(sNaN) = %#04x, not a NaN", h)
	}
}

func BenchmarkQuantize(b *testing.B) {
	x := randValues(32*1024, 1)
	for _, typ := range allTypes {
		b.Run(typ.String(), func(b *testing.B) {
			q := make([]byte, typ.RowBytes(len(x)))
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				_ = Quantize(typ, q, x)
			}
		})
	}
}

func BenchmarkDequantize(b *testing.B) {
	x := randValues(32*1024, 1)
	for _, typ := range allTypes {
		b.Run(typ.String(), func(b *testing.B) {
			q := make([]byte, typ.RowBytes(len(x)))
			_ = Quantize(typ, q, x)
			y := make([]float32, len(x))
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				_ = Dequantize(typ, y, q)
			}
		})
	}
}

// TestBlockConstants ties the exported layout constants to tensor's table.
func TestBlockConstants(t *testing.T) {
	if tensor.Q8_0.BlockSize() != QK || tensor.Q8_0.BlockBytes() != BlockQ8_0Bytes ||
		tensor.Q4_0.BlockSize() != QK || tensor.Q4_0.BlockBytes() != BlockQ4_0Bytes {
		t.Fatal("quant block constants disagree with tensor.Type traits")
	}
}
