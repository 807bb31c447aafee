package kernels

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// randVec returns n floats spread like activations, with some exact zeros
// and a few large values so quantization sees varied block scales.
func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r.IntN(20) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = float32(r.NormFloat64() * 30)
		default:
			v[i] = float32(r.NormFloat64())
		}
	}
	return v
}

// makeWeights returns a rows×k tensor of type typ holding rand data, and
// its dequantized values as float64 (row-major).
func makeWeights(r *rand.Rand, typ tensor.Type, k, rows int) (tensor.Tensor, []float64) {
	f := randVec(r, k*rows)
	w := tensor.Tensor{Name: "w", Type: typ, Shape: []int{k, rows}, Data: make([]byte, typ.RowBytes(k)*rows)}
	deq := make([]float64, k*rows)
	switch typ {
	case tensor.F32:
		for i, v := range f {
			binary.LittleEndian.PutUint32(w.Data[4*i:], math.Float32bits(v))
			deq[i] = float64(v)
		}
	case tensor.F16:
		for i, v := range f {
			h := F32ToF16(v)
			binary.LittleEndian.PutUint16(w.Data[2*i:], h)
			deq[i] = float64(F16ToF32(h))
		}
	case tensor.BF16:
		for i, v := range f {
			h := uint16(math.Float32bits(v) >> 16)
			binary.LittleEndian.PutUint16(w.Data[2*i:], h)
			deq[i] = float64(BF16ToF32(h))
		}
	case tensor.Q8_0, tensor.Q8_0X32:
		for b := 0; b < len(f)/qk; b++ {
			quantBlockQ8(w.Data[b*34:b*34+34], f[b*qk:b*qk+qk], deq[b*qk:b*qk+qk])
		}
	case tensor.Q4_0, tensor.Q4_0X32:
		for b := 0; b < len(f)/qk; b++ {
			quantBlockQ4(w.Data[b*18:b*18+18], f[b*qk:b*qk+qk], deq[b*qk:b*qk+qk])
		}
	}
	if typ.Interleaved() {
		plain := w.Data
		w.Data = make([]byte, len(plain))
		quant.Interleave(typ, w.Data, plain, rows, k)
	}
	return w, deq
}

// quantBlockQ8 writes one ggml Q8_0 block and its dequantized values.
func quantBlockQ8(dst []byte, x []float32, deq []float64) {
	var amax float32
	for _, v := range x {
		amax = max(amax, abs32(v))
	}
	d := amax / 127
	h := F32ToF16(d)
	binary.LittleEndian.PutUint16(dst, h)
	for i, v := range x {
		var q int8
		if d != 0 {
			q = int8(math.Round(float64(v / d)))
		}
		dst[2+i] = byte(q)
		deq[i] = float64(q) * float64(F16ToF32(h))
	}
}

// quantBlockQ4 writes one ggml Q4_0 block (d = max/-8, nibbles q+8 with
// element i in the low and i+16 in the high nibble of byte i).
func quantBlockQ4(dst []byte, x []float32, deq []float64) {
	var amax, mx float32
	for _, v := range x {
		if abs32(v) > amax {
			amax, mx = abs32(v), v
		}
	}
	d := mx / -8
	h := F32ToF16(d)
	binary.LittleEndian.PutUint16(dst, h)
	var id float32
	if d != 0 {
		id = 1 / d
	}
	for i := 0; i < 16; i++ {
		q0 := min(15, int(v8(x[i]*id)))
		q1 := min(15, int(v8(x[i+16]*id)))
		dst[2+i] = byte(q0) | byte(q1)<<4
		deq[i] = float64(q0-8) * float64(F16ToF32(h))
		deq[i+16] = float64(q1-8) * float64(F16ToF32(h))
	}
}

func v8(v float32) float32 { return float32(math.Floor(float64(v) + 8.5)) }
