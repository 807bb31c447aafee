package kernels

import (
	"encoding/binary"
)

// Row kernels: y[r] = dot(weight row r, one activation row), for r < len(y).
// They are the units the dispatch table swaps; MatMul loops over tokens and
// splits rows across the pool.

// rowsQFunc computes Q8_0·Q8_0 or Q4_0·Q8_0 row dots in the order of the
// package doc. Row r's blocks start at w[r*wstride]; len(xd) is the number
// of blocks, len(xq) == 32*len(xd), and xs holds the blocks' sums of xq
// (the assembly uses them to remove the unsigned offset of its operands).
type rowsQFunc func(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)

// rowsF32Func: w holds len(y) rows of len(x) floats.
type rowsF32Func func(y []float32, w []float32, x []float32)

// rowsF32x4Generic is the specification of rowsF32x4: four tokens of k =
// len(x)/4 against rows rows of w (k apart), y[t*ystride+r].
var rowsF32x4Generic = rowsF32x4With(rowsF32Generic)

// rowsF32x4With is rowsF32x4 as four passes of a one-token row kernel:
// for tiers without a four-token kernel.
func rowsF32x4With(rowsF32 rowsF32Func) func(y []float32, ystride int, w, x []float32, rows int) {
	return func(y []float32, ystride int, w, x []float32, rows int) {
		k := len(x) / 4
		for t := range 4 {
			rowsF32(y[t*ystride:t*ystride+rows], w[:rows*k], x[t*k:(t+1)*k])
		}
	}
}

// rowsF16Func: w holds len(y) rows of len(x) halves (f16 or bf16 bits).
type rowsF16Func func(y []float32, w []uint16, x []float32)

func rowsQ8Generic(y []float32, w []byte, wstride int, xq []int8, xd []float32, _ []int32) {
	for r := range y {
		row := w[r*wstride:]
		var acc float32
		for b, dx := range xd {
			blk := row[b*34 : b*34+34]
			q := xq[b*qk : b*qk+qk]
			var isum int32
			for i := 0; i < qk; i++ {
				isum += int32(int8(blk[2+i])) * int32(q[i])
			}
			s := f16[binary.LittleEndian.Uint16(blk)] * dx
			acc += float32(float32(isum) * s)
		}
		y[r] = acc
	}
}

func rowsQ4Generic(y []float32, w []byte, wstride int, xq []int8, xd []float32, _ []int32) {
	for r := range y {
		row := w[r*wstride:]
		var acc float32
		for b, dx := range xd {
			blk := row[b*18 : b*18+18]
			q := xq[b*qk : b*qk+qk]
			var isum int32
			for i := 0; i < qk/2; i++ {
				v := blk[2+i]
				isum += (int32(v&15)-8)*int32(q[i]) + (int32(v>>4)-8)*int32(q[i+16])
			}
			s := f16[binary.LittleEndian.Uint16(blk)] * dx
			acc += float32(float32(isum) * s)
		}
		y[r] = acc
	}
}

func rowsF32Generic(y []float32, w []float32, x []float32) {
	k := len(x)
	for r := range y {
		y[r] = dotGeneric(w[r*k:r*k+k], x)
	}
}

func rowsF16Generic(y []float32, w []uint16, x []float32) {
	k := len(x)
	for r := range y {
		row := w[r*k : r*k+k]
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= k; i += 4 {
			s0 += f16[row[i]] * x[i]
			s1 += f16[row[i+1]] * x[i+1]
			s2 += f16[row[i+2]] * x[i+2]
			s3 += f16[row[i+3]] * x[i+3]
		}
		for ; i < k; i++ {
			s0 += f16[row[i]] * x[i]
		}
		y[r] = (s0 + s1) + (s2 + s3)
	}
}

func rowsBF16Generic(y []float32, w []uint16, x []float32) {
	k := len(x)
	for r := range y {
		row := w[r*k : r*k+k]
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= k; i += 4 {
			s0 += BF16ToF32(row[i]) * x[i]
			s1 += BF16ToF32(row[i+1]) * x[i+1]
			s2 += BF16ToF32(row[i+2]) * x[i+2]
			s3 += BF16ToF32(row[i+3]) * x[i+3]
		}
		for ; i < k; i++ {
			s0 += BF16ToF32(row[i]) * x[i]
		}
		y[r] = (s0 + s1) + (s2 + s3)
	}
}

// dotGeneric sums a[i]*b[i] over len(a) == len(b) with four float32
// accumulators.
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
