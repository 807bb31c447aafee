package quant

import (
	"encoding/binary"
	"math"
)

// QuantizeBlockQ4_0 writes one 18-byte Q4_0 block for 32 values, exactly as
// gguf-py: m is the first value of largest magnitude (sign kept), d = m/−8,
// q = min(15, trunc(x/d + 8.5)), all in float32. Value j goes to the low
// nibble of byte j, value j+16 to its high nibble.
func QuantizeBlockQ4_0(dst []byte, x []float32) {
	_, _ = dst[BlockQ4_0Bytes-1], x[QK-1]
	// numpy argmax: first maximum, and a NaN counts as the maximum.
	imax := 0
	amax := float32(math.Abs(float64(x[0])))
	for i := 1; i < QK && amax == amax; i++ {
		if a := float32(math.Abs(float64(x[i]))); a > amax || a != a {
			imax, amax = i, a
		}
	}
	d := x[imax] / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(dst, F32ToF16(d))
	q := func(v float32) byte {
		p := v * id // explicit float32 rounding, no fused multiply-add
		t := float32(math.Trunc(float64(float32(p) + 8.5)))
		return min(castByte(t), 15)
	}
	for j := 0; j < QK/2; j++ {
		dst[2+j] = q(x[j]) | q(x[j+QK/2])<<4
	}
}

// QuantizeRowQ4_0 quantizes len(x)/32 blocks into dst (len(x) a multiple of
// 32, len(dst) == len(x)/32*18).
func QuantizeRowQ4_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/QK; b++ {
		QuantizeBlockQ4_0(dst[b*BlockQ4_0Bytes:], x[b*QK:])
	}
}

// DequantizeRowQ4_0 decodes len(src)/18 blocks into dst (len(dst) ==
// len(src)/18*32): w = d·(q−8) in float32.
func DequantizeRowQ4_0(dst []float32, src []byte) {
	for b := 0; b < len(src)/BlockQ4_0Bytes; b++ {
		blk := src[b*BlockQ4_0Bytes : (b+1)*BlockQ4_0Bytes]
		y := dst[b*QK : (b+1)*QK]
		d := F16ToF32(binary.LittleEndian.Uint16(blk))
		for j := 0; j < QK/2; j++ {
			y[j] = d * float32(int(blk[2+j]&15)-8)
			y[j+QK/2] = d * float32(int(blk[2+j]>>4)-8)
		}
	}
}
