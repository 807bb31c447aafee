package bench

import (
	"math"
	"testing"

	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

func TestEncoderKeys(t *testing.T) {
	tests := []struct {
		s       int
		sliding bool
		w       int
		want    float64
	}{
		{4, false, 2, 16},
		{1, true, 512, 1},
		{4, true, 512, 16},                  // the window covers everything
		{5, true, 2, 5 + 4},                 // [i, i+1]: 2 keys except the last row
		{6, true, 3, 2 + 3 + 3 + 3 + 3 + 2}, // [i-1, i+1]
		{600, true, 512, func() float64 { // [i-255, i+256] clipped
			n := 0.0
			for i := range 600 {
				n += float64(min(600, i+257) - max(0, i-255))
			}
			return n
		}()},
	}
	for _, tc := range tests {
		if got := encoderKeys(tc.s, tc.sliding, tc.w); got != tc.want {
			t.Errorf("encoderKeys(%d, %v, %d) = %g, want %g", tc.s, tc.sliding, tc.w, got, tc.want)
		}
	}
}

func TestWorkSeconds(t *testing.T) {
	pk := Peaks{ReadBW: 10e9, Int8: 500e9, FMA: 100e9}
	tests := []struct {
		name string
		w    work
		want float64
	}{
		{"memory", work{intOps: 1e9, bytes: 1e9}, 0.1},
		{"compute", work{intOps: 100e9, bytes: 1e6}, 0.2},
		{"both kinds", work{intOps: 50e9, floatOps: 10e9}, 0.2},
		{"nothing", work{}, 0},
	}
	for _, tc := range tests {
		if got := tc.w.seconds(pk); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %g s, want %g", tc.name, got, tc.want)
		}
	}
}

// The work of a product follows the weight type; decode reads every
// decoder weight and the LM head.
func TestWorkOfModel(t *testing.T) {
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.F16} {
		m, err := t5gemma.Load(tinyFile(t, typ))
		if err != nil {
			t.Fatal(err)
		}
		w := decodeWork(m, 16, 0, 1)
		var weights float64
		for _, L := range m.Dec.Layers {
			for _, x := range []tensor.Tensor{L.Q, L.K, L.V, L.O, L.Gate, L.Up, L.Down} {
				weights += float64(len(x.Data))
			}
		}
		weights += float64(len(m.Embd.Data))
		caches := float64(2*4*32) * (16 + 1) * 2 // 2 layers, 16 cross + 1 self keys and values
		if w.bytes != weights+caches {
			t.Errorf("%v: decode reads %g bytes, want %g", typ, w.bytes, weights+caches)
		}
		// eight sequences share the weights but not their caches or sums
		w8 := decodeWork(m, 16, 0, 8)
		if w8.bytes != weights+8*caches || w8.intOps != 8*w.intOps || w8.floatOps != 8*w.floatOps {
			t.Errorf("%v: a batch of 8 reads %g bytes (want %g) and does %+v (one: %+v)", typ, w8.bytes, weights+8*caches, w8, w)
		}
		quantized := typ == tensor.Q8_0
		if e := encodeWork(m, 8); (e.intOps > 0) != quantized || !(e.floatOps > 0) {
			t.Errorf("%v: encode work %+v", typ, e)
		}
		m.Close()
	}
}

func TestCompare(t *testing.T) {
	rec := func(test string, med, lo, hi float64) Record {
		return Record{Test: test, NEnc: 128, Threads: 2, Type: "q8_0", MedianTS: med, MinTS: lo, MaxTS: hi}
	}
	prev := []Record{rec("prefill", 100, 95, 110), rec("decode", 50, 49, 51), rec("image", 1, 0.9, 1.1), rec("ttft", 4, 3.9, 4.1)}
	cur := []Record{rec("prefill", 104, 96, 108), rec("decode", 60, 58, 62), rec("image", 1.12, 1, 1.2), rec("load", 1, 1, 1)}
	tests := []struct {
		test          string
		agree, partly bool
	}{
		{"prefill", true, true},
		{"decode", false, false},
		{"image", false, true}, // 1 lies in [1, 1.2], 1.12 not in [0.9, 1.1]
	}
	as := Compare(prev, cur)
	if len(as) != len(tests) {
		t.Fatalf("%d pairs, want %d", len(as), len(tests))
	}
	for i, tc := range tests {
		if a := as[i]; a.Cur.Test != tc.test || a.Agree != tc.agree || a.Partly != tc.partly {
			t.Errorf("%s: agree %v partly %v, want %v %v", a.Cur.Test, a.Agree, a.Partly, tc.agree, tc.partly)
		}
	}
}
