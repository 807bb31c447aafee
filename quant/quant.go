package quant

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/t5go/t5go/tensor"
)

// Quantize encodes src as type t into dst. len(src) must be a multiple of
// t.BlockSize() and len(dst) must equal t.RowBytes(len(src)).
func Quantize(t tensor.Type, dst []byte, src []float32) error {
	if t.Interleaved() {
		return fmt.Errorf("quant: %v interleaves rows: use QuantizeMatrix", t)
	}
	if err := checkSizes(t, len(dst), len(src)); err != nil {
		return err
	}
	switch t {
	case tensor.F32:
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
		}
	case tensor.F16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], F32ToF16(v))
		}
	case tensor.BF16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], F32ToBF16(v))
		}
	case tensor.Q8_0:
		QuantizeRowQ8_0(dst, src)
	case tensor.Q4_0:
		QuantizeRowQ4_0(dst, src)
	}
	return nil
}

// Dequantize decodes src, holding values of type t, into dst. len(src) must
// be a whole number of blocks and len(dst) the number of values they hold.
func Dequantize(t tensor.Type, dst []float32, src []byte) error {
	if !t.Known() {
		return fmt.Errorf("quant: unsupported type %v", t)
	}
	if t.Interleaved() {
		return fmt.Errorf("quant: %v interleaves rows: use DequantizeMatrix", t)
	}
	if len(src)%t.BlockBytes() != 0 {
		return fmt.Errorf("quant: %v: source has %d bytes, not a multiple of the %d-byte block",
			t, len(src), t.BlockBytes())
	}
	if want := len(src) / t.BlockBytes() * t.BlockSize(); len(dst) != want {
		return fmt.Errorf("quant: %v: destination has %d values, want %d for %d bytes",
			t, len(dst), want, len(src))
	}
	switch t {
	case tensor.F32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case tensor.F16:
		for i := range dst {
			dst[i] = F16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case tensor.BF16:
		for i := range dst {
			dst[i] = BF16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case tensor.Q8_0:
		DequantizeRowQ8_0(dst, src)
	case tensor.Q4_0:
		DequantizeRowQ4_0(dst, src)
	}
	return nil
}

// Fallback returns the type a row of rowLen values is stored as when t was
// asked for: F16 for Q8_0 and Q4_0 when rowLen is not a multiple of their
// 32-value block (ggml cannot store a partial block), otherwise t itself.
func Fallback(t tensor.Type, rowLen int) tensor.Type {
	if (t == tensor.Q8_0 || t == tensor.Q4_0) && rowLen%t.BlockSize() != 0 {
		return tensor.F16
	}
	return t
}

func checkSizes(t tensor.Type, nDst, nSrc int) error {
	if !t.Known() {
		return fmt.Errorf("quant: unsupported type %v", t)
	}
	if nSrc%t.BlockSize() != 0 {
		return fmt.Errorf("quant: %v: %d values is not a multiple of the block size %d (see Fallback)",
			t, nSrc, t.BlockSize())
	}
	if want := t.RowBytes(nSrc); nDst != want {
		return fmt.Errorf("quant: %v: destination has %d bytes, want %d for %d values", t, nDst, want, nSrc)
	}
	return nil
}
