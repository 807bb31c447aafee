package quant

import (
	"fmt"

	"github.com/t5go/t5go/tensor"
)

// Q4_0X32 stores Q4_0 blocks with 32 rows interleaved (tensor.Q4_0X32Layout).
// The values are exactly the Q4_0 ones; only the byte order differs.

const (
	panelRows  = 32
	panelBlock = panelRows * BlockQ4_0Bytes // 576 bytes: one block of 32 rows
)

// InterleaveQ4_0 writes the Q4_0X32 layout of rows Q4_0 rows of k values
// (src, rows after one another) to dst; both hold rows·k/32·18 bytes.
func InterleaveQ4_0(dst, src []byte, rows, k int) {
	rb := k / QK * BlockQ4_0Bytes
	full := rows / panelRows * panelRows
	for p := 0; p < full; p += panelRows {
		panel := dst[p*rb : (p+panelRows)*rb]
		for r := 0; r < panelRows; r++ {
			row := src[(p+r)*rb : (p+r+1)*rb]
			for b := 0; b < k/QK; b++ {
				blk, out := row[b*BlockQ4_0Bytes:], panel[b*panelBlock:]
				out[2*r], out[2*r+1] = blk[0], blk[1]
				for i := 0; i < QK/2; i++ {
					out[64+i/4*128+4*r+i%4] = blk[2+i]
				}
			}
		}
	}
	copy(dst[full*rb:rows*rb], src[full*rb:rows*rb])
}

// RowQ4_0 writes row r of a Q4_0X32 tensor of rows rows of k values (data)
// to dst as a plain Q4_0 row (k/32·18 bytes).
func RowQ4_0(dst, data []byte, rows, k, r int) {
	rb := k / QK * BlockQ4_0Bytes
	if r >= rows/panelRows*panelRows {
		copy(dst[:rb], data[r*rb:(r+1)*rb])
		return
	}
	panel, pr := data[r/panelRows*panelRows*rb:], r%panelRows
	for b := 0; b < k/QK; b++ {
		in, blk := panel[b*panelBlock:], dst[b*BlockQ4_0Bytes:]
		blk[0], blk[1] = in[2*pr], in[2*pr+1]
		for i := 0; i < QK/2; i++ {
			blk[2+i] = in[64+i/4*128+4*pr+i%4]
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
	rows := len(src) / k
	tmp := make([]byte, len(dst))
	QuantizeRowQ4_0(tmp, src)
	InterleaveQ4_0(dst, tmp, rows, k)
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
	rows, rb := len(dst)/k, t.RowBytes(k)
	row := make([]byte, rb)
	for r := 0; r < rows; r++ {
		RowQ4_0(row, src, rows, k, r)
		DequantizeRowQ4_0(dst[r*k:(r+1)*k], row)
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
	var buf [4096 / QK * BlockQ4_0Bytes]byte // rows up to 4096 values on the stack
	row := buf[:]
	if rb := w.Type.RowBytes(k); rb > len(buf) {
		row = make([]byte, rb)
	} else {
		row = buf[:rb]
	}
	RowQ4_0(row, w.Data, w.Rows(), k, r)
	DequantizeRowQ4_0(dst, row)
	return nil
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
