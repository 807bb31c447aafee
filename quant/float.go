package quant

import (
	"math"

	"github.com/x448/float16"
)

// F32ToF16 rounds f to the nearest IEEE half, ties to even, as numpy's
// astype(float16) does: overflow gives ±Inf, tiny values become subnormal
// or ±0, NaN stays NaN.
func F32ToF16(f float32) uint16 { return float16.Fromfloat32(f).Bits() }

// F16ToF32 widens an IEEE half exactly.
func F16ToF32(h uint16) float32 { return float16.Frombits(h).Float32() }

// F32ToBF16 rounds f to bfloat16, ties to even, as gguf-py and ggml do. A NaN
// keeps its sign and top payload bits and gets the quiet bit, so it cannot
// round to Inf.
func F32ToBF16(f float32) uint16 {
	n := math.Float32bits(f)
	if n&0x7fffffff > 0x7f800000 {
		return uint16(n>>16) | 0x40
	}
	return uint16((uint64(n) + 0x7fff + uint64(n>>16&1)) >> 16)
}

// BF16ToF32 widens a bfloat16 exactly.
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// castByte converts f to a byte the way numpy's float-to-int8/uint8 cast
// does on amd64: truncate to int32 and keep the low byte, where NaN and
// values out of int32 range become 0x80000000 (low byte 0).
func castByte(f float32) byte {
	if !(f > -2147483648 && f < 2147483648) {
		return 0
	}
	return byte(int32(f))
}
