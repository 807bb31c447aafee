package kernels

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// bytesFrom repeats seed to n bytes (a fuzz input stretched to any size).
func bytesFrom(seed []byte, n int) []byte {
	b := make([]byte, n)
	if len(seed) == 0 {
		return b
	}
	for i := range b {
		b[i] = seed[i%len(seed)] + byte(i/len(seed))
	}
	return b
}

// FuzzRowsQ: raw weight bytes (any scale, NaN and Inf included) and
// activations from the input; every tier must equal generic bit for bit.
func FuzzRowsQ(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint8(9), uint8(3), false)
	f.Add([]byte{0xff, 0x7b, 0x80, 0x7f}, uint8(16), uint8(33), true)
	f.Fuzz(func(t *testing.T, seed []byte, rows, nb uint8, q4 bool) {
		R, NB := int(rows%40)+1, int(nb%80)+1
		typ := tensor.Q8_0
		gen := rowsQ8Generic
		if q4 {
			typ, gen = tensor.Q4_0, rowsQ4Generic
		}
		rb := typ.RowBytes(NB * qk)
		w := bytesFrom(seed, R*rb)
		xb := bytesFrom(append([]byte{7}, seed...), NB*qk)
		x := make([]float32, NB*qk)
		for i, v := range xb {
			x[i] = float32(int8(v)) * 0.37
		}
		var a q8Acts
		a.quantize(x, 1, NB*qk)
		want := make([]float32, R)
		gen(want, w, rb, a.qs, a.d, a.sum)
		for _, tb := range archOnly() {
			got := make([]float32, R)
			fn := tb.rowsQ8
			if q4 {
				fn = tb.rowsQ4
			}
			fn(got, w, rb, a.qs, a.d, a.sum)
			for i := range want {
				if !sameBits(want[i], got[i]) {
					t.Fatalf("%s %v rows=%d nb=%d: y[%d] = %v, generic %v", tb.name, typ, R, NB, i, got[i], want[i])
				}
			}
		}
		// The same rows interleaved, every tier and rowsQX's range handling
		// (R is rarely a whole number of panels).
		xt := typ.X32()
		inter := make([]byte, len(w))
		quant.Interleave(xt, inter, w, R, NB*qk)
		for _, tb := range tiers() {
			got := make([]float32, R)
			withTier(tb, func() { rowsQX(xt, got, inter, R, rb, 0, R, a.qs, a.d, a.sum) })
			for i := range want {
				if !sameBits(want[i], got[i]) {
					t.Fatalf("%s %v rows=%d nb=%d: y[%d] = %v, generic %v", tb.name, xt, R, NB, i, got[i], want[i])
				}
			}
		}
	})
}

// FuzzQuantize: finite activations of any magnitude; every tier's quantizer
// must equal the generic one exactly.
func FuzzQuantize(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x3f, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, seed []byte) {
		nb := len(seed)%5 + 1
		raw := bytesFrom(seed, 4*nb*qk)
		x := make([]float32, nb*qk)
		for i := range x {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				v = 1 // the quantizer's contract is finite input
			}
			x[i] = v
		}
		q1, d1, s1 := make([]int8, nb*qk), make([]float32, nb), make([]int32, nb)
		quantizeQ8(q1, d1, s1, x)
		for _, tb := range archOnly() {
			q2, d2, s2 := make([]int8, nb*qk), make([]float32, nb), make([]int32, nb)
			tb.quant(q2, d2, s2, x)
			for i := range q1 {
				if q1[i] != q2[i] {
					t.Fatalf("%s: q[%d] = %d, generic %d (x %g)", tb.name, i, q2[i], q1[i], x[i])
				}
			}
			for b := range d1 {
				if !sameBits(d1[b], d2[b]) || s1[b] != s2[b] {
					t.Fatalf("%s block %d: d %g sum %d, generic %g %d", tb.name, b, d2[b], s2[b], d1[b], s1[b])
				}
			}
		}
	})
}

// FuzzDot: float dots of every tier within n·2⁻²⁴·Σ|ab| of float64.
func FuzzDot(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5}, uint16(77))
	f.Fuzz(func(t *testing.T, seed []byte, n uint16) {
		N := int(n % 700)
		raw := bytesFrom(seed, 2*N)
		a, b := make([]float32, N), make([]float32, N)
		var want, mag float64
		for i := range a {
			a[i] = float32(int8(raw[i])) / 16
			b[i] = float32(int8(raw[N+i])) * 3.1
			want += float64(a[i]) * float64(b[i])
			mag += math.Abs(float64(a[i]) * float64(b[i]))
		}
		for _, tb := range tiers() {
			if d := math.Abs(float64(tb.dot(a, b)) - want); d > float64(N)*6e-8*mag {
				t.Fatalf("%s n=%d: off by %g (Σ|ab| %g)", tb.name, N, d, mag)
			}
		}
	})
}
