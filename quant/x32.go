package quant

import (
	"encoding/binary"
	"fmt"

	"github.com/t5go/t5go/tensor"
)

// Q8_0X32 and Q4_0X32 store Q8_0 / Q4_0 blocks with 32 rows interleaved
// (tensor.X32Layout). The values are exactly the base type's; only the byte
// order differs.

const panelRows = 32

// quantAt is where quant byte i of panel row r sits in a block of a panel:
// after the 64 bytes of scales, group i/4 of 128 bytes, row r's four bytes.
func quantAt(r, i int) int { return 64 + i/4*128 + 4*r + i%4 }

// Interleave writes the X32 layout of rows plain rows of k values of base
// type t (Q8_0 or Q4_0; src, rows after one another) to dst; both hold
// rows·t.RowBytes(k) bytes.
func Interleave(t tensor.Type, dst, src []byte, rows, k int) {
	bb := t.Base().BlockBytes()
	rb, pb := k/QK*bb, panelRows*bb
	full := rows / panelRows * panelRows
	for p := 0; p < full; p += panelRows {
		panel := dst[p*rb : (p+panelRows)*rb]
		for r := 0; r < panelRows; r++ {
			row := src[(p+r)*rb : (p+r+1)*rb]
			for b := 0; b < k/QK; b++ {
				blk, out := row[b*bb:(b+1)*bb], panel[b*pb:(b+1)*pb]
				out[2*r], out[2*r+1] = blk[0], blk[1]
				for i := 0; i < bb-2; i++ {
					out[quantAt(r, i)] = blk[2+i]
				}
			}
		}
	}
	copy(dst[full*rb:rows*rb], src[full*rb:rows*rb])
}

// Deinterleave is Interleave's inverse: the plain rows of an X32 tensor of
// type t (rows rows of k values, src) to dst.
func Deinterleave(t tensor.Type, dst, src []byte, rows, k int) {
	bb := t.Base().BlockBytes()
	rb, pb, groups := k/QK*bb, panelRows*bb, (bb-2)/4
	full := rows / panelRows * panelRows
	for p := 0; p < full; p += panelRows {
		panel, out := src[p*rb:(p+panelRows)*rb], dst[p*rb:(p+panelRows)*rb]
		for b := 0; b < k/QK; b++ {
			in := panel[b*pb : (b+1)*pb]
			for r := range panelRows {
				blk := out[r*rb+b*bb : r*rb+(b+1)*bb]
				blk[0], blk[1] = in[2*r], in[2*r+1]
				q := blk[2 : 2+4*groups]
				for j := range groups {
					o := quantAt(r, 4*j)
					binary.LittleEndian.PutUint32(q[4*j:], binary.LittleEndian.Uint32(in[o:o+4]))
				}
			}
		}
	}
	copy(dst[full*rb:rows*rb], src[full*rb:rows*rb])
}

// PlainRow writes row r of an X32 tensor of type t (rows rows of k values,
// data) to dst as a row of its base type (t.RowBytes(k) bytes).
func PlainRow(t tensor.Type, dst, data []byte, rows, k, r int) {
	bb := t.Base().BlockBytes()
	rb, pb := k/QK*bb, panelRows*bb
	if r >= rows/panelRows*panelRows {
		copy(dst[:rb], data[r*rb:(r+1)*rb])
		return
	}
	panel, pr := data[r/panelRows*panelRows*rb:], r%panelRows
	for b := 0; b < k/QK; b++ {
		in, blk := panel[b*pb:(b+1)*pb], dst[b*bb:(b+1)*bb]
		blk[0], blk[1] = in[2*pr], in[2*pr+1]
		for i := 0; i < bb-2; i++ {
			blk[2+i] = in[quantAt(pr, i)]
		}
	}
}

// QuantizeMatrix quantizes rows of k values (len(src)/k rows) as type t
// into dst, which holds t.RowBytes(k) bytes per row. Unlike Quantize it
// handles the interleaved types, whose bytes depend on the row length.
func QuantizeMatrix(t tensor.Type, dst []byte, src []float32, k int) error {
	if !t.Interleaved() {
		return Quantize(t, dst, src)
	}
	if err := checkMatrix(t, len(dst), len(src), k); err != nil {
		return err
	}
	tmp := make([]byte, len(dst))
	if err := Quantize(t.Base(), tmp, src); err != nil {
		return err
	}
	Interleave(t, dst, tmp, len(src)/k, k)
	return nil
}

// DequantizeMatrix decodes rows of k values of type t (src) into dst.
func DequantizeMatrix(t tensor.Type, dst []float32, src []byte, k int) error {
	if !t.Interleaved() {
		return Dequantize(t, dst, src)
	}
	if err := checkMatrix(t, len(src), len(dst), k); err != nil {
		return err
	}
	rows := len(dst) / k
	row := make([]byte, t.RowBytes(k))
	for r := 0; r < rows; r++ {
		PlainRow(t, row, src, rows, k, r)
		if err := Dequantize(t.Base(), dst[r*k:(r+1)*k], row); err != nil {
			return err
		}
	}
	return nil
}

// DequantizeRow decodes row r of the matrix w (Shape[0] values per row)
// into dst, whatever its type's layout.
func DequantizeRow(w tensor.Tensor, dst []float32, r int) error {
	k := w.Shape[0]
	if !w.Type.Interleaved() {
		return Dequantize(w.Type, dst, w.Row(r))
	}
	if len(dst) != k || k%QK != 0 || r < 0 || r >= w.Rows() || len(w.Data) != w.Rows()*w.Type.RowBytes(k) {
		return fmt.Errorf("quant: %v row %d of %v: bad sizes (dst %d, data %d)", w.Type, r, w.Shape, len(dst), len(w.Data))
	}
	var buf [4096 / QK * BlockQ8_0Bytes]byte // rows up to 4096 values stay on the stack
	row := buf[:0]
	if rb := w.Type.RowBytes(k); rb > len(buf) {
		row = make([]byte, rb)
	} else {
		row = buf[:rb]
	}
	PlainRow(w.Type, row, w.Data, w.Rows(), k, r)
	return Dequantize(w.Type.Base(), dst, row)
}

func checkMatrix(t tensor.Type, nBytes, nValues, k int) error {
	if k <= 0 || k%QK != 0 || nValues%k != 0 {
		return fmt.Errorf("quant: %v: %d values are not whole rows of %d (a multiple of %d)", t, nValues, k, QK)
	}
	if want := nValues / k * t.RowBytes(k); nBytes != want {
		return fmt.Errorf("quant: %v: %d bytes, want %d for %d rows of %d", t, nBytes, want, nValues/k, k)
	}
	return nil
}
