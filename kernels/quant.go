package kernels

import (
	"math"

	"github.com/x448/float16"
)

const qk = 32 // elements per Q8_0 / Q4_0 block

// f16 maps every fp16 bit pattern to its float32 value.
var f16 [1 << 16]float32

func init() {
	for i := range f16 {
		f16[i] = float16.Frombits(uint16(i)).Float32()
	}
}

// F16ToF32 converts one IEEE half (given as bits) to float32.
func F16ToF32(h uint16) float32 { return f16[h] }

// F32ToF16 rounds v to the nearest IEEE half (ties to even) and returns its bits.
func F32ToF16(v float32) uint16 { return float16.Fromfloat32(v).Bits() }

// BF16ToF32 widens one bfloat16 (given as bits) to float32.
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// q8Acts holds n rows of k activations quantized to Q8_0, split into planes:
// qs[t*k+i] is element i of row t, d[t*nb+b] the fp16-rounded scale of block
// b as float32 and sum[t*nb+b] the sum of that block's qs.
type q8Acts struct {
	n, k, nb int
	qs       []int8
	d        []float32
	sum      []int32
}

// size sets the shape to n rows of k (k a multiple of 32), growing the
// buffers only when they are too small.
func (a *q8Acts) size(n, k int) {
	nb := k / qk
	a.n, a.k, a.nb = n, k, nb
	if cap(a.qs) < n*k {
		a.qs = make([]int8, n*k)
	}
	if cap(a.d) < n*nb {
		a.d = make([]float32, n*nb)
		a.sum = make([]int32, n*nb)
	}
	a.qs, a.d, a.sum = a.qs[:n*k], a.d[:n*nb], a.sum[:n*nb]
}

// quantizeRows quantizes rows [lo, hi) of x into a (sized by size).
func (a *q8Acts) quantizeRows(x []float32, lo, hi int) {
	k, nb := a.k, a.nb
	impl.quant(a.qs[lo*k:hi*k], a.d[lo*nb:hi*nb], a.sum[lo*nb:hi*nb], x[lo*k:hi*k])
}

// quantize fills a from x (n rows of k) on the calling goroutine.
func (a *q8Acts) quantize(x []float32, n, k int) {
	a.size(n, k)
	a.quantizeRows(x, 0, n)
}

// quantizeQ8 is the Q8_0 activation quantizer of the package doc, for
// len(d) blocks: len(qs) == len(x) == 32*len(d) == 32*len(sum).
func quantizeQ8(qs []int8, d []float32, sum []int32, x []float32) {
	for b := range d {
		xb := x[b*qk : b*qk+qk]
		var amax float32
		for _, v := range xb {
			amax = max(amax, abs32(v))
		}
		db := amax / 127
		// id = 1/db, or 0 when that is not finite (db == 0, or db below
		// 2^-128, where 1/db overflows; such a block's fp16 d is 0 anyway).
		id := 1 / db
		if math.IsInf(float64(id), 0) {
			id = 0
		}
		var s int32
		q := qs[b*qk : b*qk+qk]
		for i, v := range xb {
			r := int8(math.RoundToEven(float64(v * id)))
			q[i] = r
			s += int32(r)
		}
		d[b] = f16[F32ToF16(db)]
		sum[b] = s
	}
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
