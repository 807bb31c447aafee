package quant

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestX32SameValues: every row of the interleaved layouts decodes to the
// plain row it came from, for row counts around whole panels, and the panel
// bytes are the documented permutation of the plain bytes.
func TestX32SameValues(t *testing.T) {
	for _, base := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
		testX32SameValues(t, base)
	}
}

func testX32SameValues(t *testing.T, base tensor.Type) {
	const k = 96
	typ, bb := base.X32(), base.BlockBytes()
	for _, rows := range []int{1, 31, 32, 33, 64, 95} {
		x := randValues(rows*k, uint64(rows))
		plain := make([]byte, base.RowBytes(k)*rows)
		if err := Quantize(base, plain, x); err != nil {
			t.Fatal(err)
		}
		inter := make([]byte, len(plain))
		if err := QuantizeMatrix(typ, inter, x, k); err != nil {
			t.Fatal(err)
		}
		if rows >= 32 && bytes.Equal(inter[:32*bb], plain[:32*bb]) {
			t.Fatalf("%v rows %d: the first panel was not interleaved", typ, rows)
		}
		// Byte i of row r's block b sits at panel b·32·bb + 64 + (i/4)·128 + 4r + i%4.
		if rows >= 32 && inter[32*bb+64+128+4*5+2] != plain[5*base.RowBytes(k)+bb+2+6] {
			t.Fatalf("%v rows %d: block 1 of row 5, quant byte 6 is not where the layout says", typ, rows)
		}
		want := make([]float32, rows*k)
		if err := Dequantize(base, want, plain); err != nil {
			t.Fatal(err)
		}
		got := make([]float32, rows*k)
		if err := DequantizeMatrix(typ, got, inter, k); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%v rows %d: DequantizeMatrix differs from the plain values", typ, rows)
		}
		w := tensor.Tensor{Name: "w", Type: typ, Shape: []int{k, rows}, Data: inter}
		row := make([]float32, k)
		for r := 0; r < rows; r++ {
			if err := DequantizeRow(w, row, r); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(row, want[r*k:(r+1)*k]) {
				t.Fatalf("%v rows %d: DequantizeRow(%d) differs", typ, rows, r)
			}
		}
	}
}

func TestX32Errors(t *testing.T) {
	x := make([]float32, 64)
	if err := Quantize(tensor.Q4_0X32, make([]byte, 36), x); err == nil {
		t.Error("Quantize accepted an interleaved type without the row length")
	}
	if err := QuantizeMatrix(tensor.Q4_0X32, make([]byte, 36), x, 48); err == nil {
		t.Error("QuantizeMatrix accepted a row length that is not whole blocks")
	}
	if err := QuantizeMatrix(tensor.Q4_0X32, make([]byte, 35), x, 32); err == nil {
		t.Error("QuantizeMatrix accepted a short destination")
	}
	w := tensor.Tensor{Name: "w", Type: tensor.Q4_0X32, Shape: []int{32, 2}, Data: make([]byte, 36)}
	if err := DequantizeRow(w, make([]float32, 32), 2); err == nil {
		t.Error("DequantizeRow accepted a row past the end")
	}
}

func TestDeinterleaveInvertsInterleave(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, base := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
		for _, rows := range []int{3, 32, 70} {
			plain := make([]byte, rows*base.RowBytes(64))
			for i := range plain {
				plain[i] = byte(r.Uint32())
			}
			inter, back := make([]byte, len(plain)), make([]byte, len(plain))
			Interleave(base.X32(), inter, plain, rows, 64)
			Deinterleave(base.X32(), back, inter, rows, 64)
			if !bytes.Equal(back, plain) {
				t.Fatalf("%v rows %d: Deinterleave(Interleave(x)) != x", base, rows)
			}
		}
	}
}
