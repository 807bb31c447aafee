package quant

import (
	"encoding/binary"
	"math"
)

// Block geometry of Q8_0 and Q4_0.
const (
	QK             = 32 // values per Q8_0 / Q4_0 block
	BlockQ8_0Bytes = 34 // fp16 d + 32 int8
	BlockQ4_0Bytes = 18 // fp16 d + 16 bytes of nibbles
)

// QuantizeBlockQ8_0 writes one 34-byte Q8_0 block for 32 values, exactly as
// gguf-py: d = max|x|/127 and q = round-half-away(x/d), all in float32.
func QuantizeBlockQ8_0(dst []byte, x []float32) {
	_, _ = dst[BlockQ8_0Bytes-1], x[QK-1]
	var amax float32
	for _, v := range x[:QK] {
		a := float32(math.Abs(float64(v)))
		if a != a { // numpy's max propagates NaN
			amax = a
			break
		}
		amax = max(amax, a)
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(dst, F32ToF16(d))
	for i, v := range x[:QK] {
		p := v * id
		dst[2+i] = castByte(float32(math.Round(float64(p))))
	}
}

// QuantizeRowQ8_0 quantizes len(x)/32 blocks into dst (len(x) a multiple of
// 32, len(dst) == len(x)/32*34).
func QuantizeRowQ8_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/QK; b++ {
		QuantizeBlockQ8_0(dst[b*BlockQ8_0Bytes:], x[b*QK:])
	}
}

// DequantizeRowQ8_0 decodes len(src)/34 blocks into dst (len(dst) ==
// len(src)/34*32): w = d·q in float32.
func DequantizeRowQ8_0(dst []float32, src []byte) {
	for b := 0; b < len(src)/BlockQ8_0Bytes; b++ {
		blk := src[b*BlockQ8_0Bytes : (b+1)*BlockQ8_0Bytes]
		y := dst[b*QK : (b+1)*QK]
		d := F16ToF32(binary.LittleEndian.Uint16(blk))
		for i := range y {
			y[i] = d * float32(int8(blk[2+i]))
		}
	}
}
