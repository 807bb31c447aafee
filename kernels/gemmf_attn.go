package kernels

import (
	"fmt"
	"math"
	"sync/atomic"
)

// Dense attention: exact softmax attention of every query against every key
// with no mask, for many queries at once (the vision tower: 4096 patches).
// Per head and block of R queries it is two matrix products on the float
// tile kernel plus one softmax, with no running max and no per-tile
// rescaling:
//
//  1. scores, key-major: the block's queries are the kernel's R-row panel
//     (transposed, scaled) and T keys its token tile, so the kernel writes
//     S[key*R + query] — already the panel layout the second product reads;
//  2. a softmax down each column of S (colSoftmax: max, exp, sum);
//  3. out = S × V: S is the R-row panel again, T value components the token
//     tile, with the sum over all keys as the kernel's k.
//
// Keys, values and queries are packed once per call for every head (key
// tiles [d × T], value tiles [keys × T], query panels [d × R]), reading each
// row once, so the query blocks only read packed data.

// DenseAttn holds the packed keys and values and each thread's scratch;
// it grows to the largest call and then allocates nothing. One goroutine
// at a time.
type DenseAttn struct {
	// BF16 lets Attend round queries, keys, values and probabilities to
	// bfloat16 and multiply them on AMX tiles (float32 sums) where the CPU
	// has AMX-BF16: for a half-precision or quantized model's accuracy
	// budget (attn_bf16.go).
	BF16 bool

	kp, vp  []float32      // packed keys and values of every head
	qp      []float32      // packed, scaled queries of every head and block
	scratch []denseScratch // one per pool thread
	task    denseTask

	kb, vb   []uint16 // the bfloat16 path's keys and values of every head
	bscratch []bAttnScratch
	btask    bAttnTask
}

type denseScratch struct {
	s   []float32 // [key tiles·T × R] scores, then probabilities
	ot  []float32 // [T × R] one tile of outputs, transposed
	sum []float32 // [R] softmax denominators
}

// denseTask runs one phase of Attend; items are claimed from next so that a
// thread slowed by other work on the machine does not hold the others up.
type denseTask struct {
	a                      *DenseAttn
	out, q, k, v           []float32
	n, stride, heads, d    int
	scale                  float32
	R, T                   int
	tile                   gemmFFunc
	keyTiles, dimTiles     int
	pack                   bool // the packing phase
	items                  int
	next                   atomic.Int64
	headKeys, headVals     int // packed floats per head
	blocksPerHead, threads int
}

// Attend writes to out the attention of each of the n query rows of q over
// the n keys and values of k and v, for heads heads of width d: row j of q,
// k, v and out starts at j*stride and head h uses columns [h*d, h*d+d).
// Queries are scaled by scale. Work is split over p (nil: one thread). It
// panics if a slice is shorter than the shapes say (a programming error).
func (a *DenseAttn) Attend(p *Pool, out, q, k, v []float32, n, stride, heads, d int, scale float32) {
	if n <= 0 || heads <= 0 || d <= 0 {
		return
	}
	need := (n-1)*stride + heads*d
	if heads*d > stride || len(out) < need || len(q) < need || len(k) < need || len(v) < need {
		panic(fmt.Sprintf("kernels: DenseAttn n=%d stride=%d heads=%d d=%d: out %d q %d k %d v %d",
			n, stride, heads, d, len(out), len(q), len(k), len(v)))
	}
	if p == nil {
		p = NewPool(1)
	}
	if a.BF16 && impl.gemmB != nil {
		a.attendB(p, out, q, k, v, n, stride, heads, d, scale)
		return
	}
	R, T, tile := denseTile()
	t := &a.task
	*t = denseTask{a: a, out: out, q: q, k: k, v: v, n: n, stride: stride, heads: heads, d: d, scale: scale,
		R: R, T: T, tile: tile, keyTiles: (n + T - 1) / T, dimTiles: (d + T - 1) / T, threads: p.Threads()}
	t.headKeys, t.headVals = t.keyTiles*T*d, t.dimTiles*n*T
	t.blocksPerHead = (n + R - 1) / R
	a.kp, a.vp = grow(a.kp, heads*t.headKeys), grow(a.vp, heads*t.headVals)
	a.qp = grow(a.qp, heads*t.blocksPerHead*d*R)
	if len(a.scratch) < t.threads {
		a.scratch = make([]denseScratch, t.threads)
	}
	// pack keys, values and queries, one tile or block of rows per item
	t.pack, t.items = true, t.keyTiles+t.blocksPerHead
	p.Run(t.threads, 1, t)
	// attend, one head and block of queries per item
	t.pack, t.items = false, heads*t.blocksPerHead
	t.next.Store(0)
	p.Run(t.threads, 1, t)
	*t = denseTask{} // drop references to the caller's buffers
}

// denseTile is the selected tier's float tile kernel and its shape.
func denseTile() (R, T int, tile gemmFFunc) {
	if impl.gemmF != nil {
		return impl.gemmFRows, impl.gemmFToks, impl.gemmF
	}
	return 8, 4, gemmF8x4Generic
}

// Run is called once per thread: range [lo, hi) names the threads, whose
// scratch it uses; the items come from the shared counter.
func (t *denseTask) Run(lo, hi int) {
	s := &t.a.scratch[lo]
	for {
		i := int(t.next.Add(1) - 1)
		if i >= t.items {
			return
		}
		if t.pack {
			t.packRows(i)
		} else {
			t.block(s, i/t.blocksPerHead, i%t.blocksPerHead)
		}
	}
}

// packRows packs item i of the packing phase: below keyTiles, key tile i
// (kp[(tile*d+c)*T+t], zero past the last key) and those keys' values as
// tiles of T components (vp[(tile*n+key)*T+t], zero past d); above, query
// block i-keyTiles, transposed and scaled (qp[c*R+r], zero past the last
// query). Rows are read whole, once, for every head.
func (t *denseTask) packRows(i int) {
	n, d, R, T, st := t.n, t.d, t.R, t.T, t.stride
	if i >= t.keyTiles {
		b := i - t.keyTiles
		for h := range t.heads {
			clear(t.a.qp[(h*t.blocksPerHead+b)*d*R : (h*t.blocksPerHead+b+1)*d*R])
		}
		for r := range min(R, n-b*R) {
			row := t.q[(b*R+r)*st : (b*R+r)*st+t.heads*d]
			for h := range t.heads {
				dst := t.a.qp[(h*t.blocksPerHead+b)*d*R : (h*t.blocksPerHead+b+1)*d*R]
				for c, x := range row[h*d : h*d+d] {
					dst[c*R+r] = x * t.scale
				}
			}
		}
		return
	}
	j := i
	for h := range t.heads {
		clear(t.a.kp[h*t.headKeys+j*d*T : h*t.headKeys+(j+1)*d*T])
	}
	for tt := range min(T, n-j*T) {
		key := j*T + tt
		krow := t.k[key*st : key*st+t.heads*d]
		vrow := t.v[key*st : key*st+t.heads*d]
		for h := range t.heads {
			dst := t.a.kp[h*t.headKeys+j*d*T : h*t.headKeys+(j+1)*d*T]
			for c, x := range krow[h*d : h*d+d] {
				dst[c*T+tt] = x
			}
			vp := t.a.vp[h*t.headVals : (h+1)*t.headVals]
			for c := range t.dimTiles {
				c0 := c * T
				w := min(T, d-c0)
				o := vp[(c*n+key)*T : (c*n+key+1)*T]
				copy(o, vrow[h*d+c0:h*d+c0+w])
				clear(o[w:])
			}
		}
	}
}

// block attends queries [b*R, b*R+R) of head h.
func (t *denseTask) block(s *denseScratch, h, b int) {
	n, d, R, T, st := t.n, t.d, t.R, t.T, t.stride
	s.s = grow(s.s, t.keyTiles*T*R)
	s.ot = grow(s.ot, T*R)
	s.sum = grow(s.sum, R)
	q0 := b * R
	nq := min(R, n-q0)
	qp := t.a.qp[(h*t.blocksPerHead+b)*d*R : (h*t.blocksPerHead+b+1)*d*R]
	// scores, key-major
	kp := t.a.kp[h*t.headKeys : (h+1)*t.headKeys]
	for j := range t.keyTiles {
		t.tile(s.s[j*T*R:(j+1)*T*R], R, qp, kp[j*d*T:(j+1)*d*T], d)
	}
	// softmax down each query's column
	colSoftmax(s.s[:n*R], n, R, s.sum)
	// probabilities × values, T components at a time
	vp := t.a.vp[h*t.headVals : (h+1)*t.headVals]
	for c := range t.dimTiles {
		t.tile(s.ot, R, s.s[:n*R], vp[c*n*T:(c+1)*n*T], n)
		c0 := c * T
		w := min(T, d-c0)
		for r := range nq {
			inv := 1 / s.sum[r]
			o := t.out[(q0+r)*st+h*d+c0 : (q0+r)*st+h*d+c0+w]
			for tt := range o {
				o[tt] = s.ot[tt*R+r] * inv
			}
		}
	}
}

// colSoftmax turns each of the W columns of s (rows >= 1 rows of W) into
// exp(s - column max) and writes the columns' sums to sum.
func colSoftmax(s []float32, rows, W int, sum []float32) {
	if len(s) < rows*W || len(sum) < W || rows < 1 {
		panic(fmt.Sprintf("kernels: colSoftmax %d rows of %d: s %d sum %d", rows, W, len(s), len(sum)))
	}
	if !colSoftmaxArch(s, rows, W, sum) {
		colSoftmaxRows(s, rows, W, sum)
	}
}

// colSoftmaxRows is colSoftmax for tiers without a column kernel (generic,
// arm64): the column maxima are subtracted first, so that one call of the
// tier's vector exp (expSum with m = 0) covers the whole block. With the
// generic expSum it computes exactly what colSoftmaxGeneric does.
func colSoftmaxRows(s []float32, rows, W int, sum []float32) {
	s, sum = s[:rows*W], sum[:W]
	copy(sum, s[:W]) // the column maxima, for now
	for i := W; i < len(s); i += W {
		for c, x := range s[i : i+W] {
			sum[c] = max(sum[c], x)
		}
	}
	for i := 0; i < len(s); i += W {
		for c := range s[i : i+W] {
			s[i+c] -= sum[c]
		}
	}
	impl.expSum(s, 0)
	clear(sum)
	for i := 0; i < len(s); i += W {
		for c, x := range s[i : i+W] {
			sum[c] += x
		}
	}
}

// colSoftmaxGeneric is the specification of colSoftmax (float64 exp).
func colSoftmaxGeneric(s []float32, rows, W int, sum []float32) {
	s, sum = s[:rows*W], sum[:W]
	for c := range W {
		m := s[c]
		for i := 1; i < rows; i++ {
			m = max(m, s[i*W+c])
		}
		var t float32
		for i := range rows {
			e := float32(math.Exp(float64(s[i*W+c] - m)))
			s[i*W+c] = e
			t += e
		}
		sum[c] = t
	}
}

// gemmF8x4Generic is gemmFFunc for an 8-row × 4-token tile in Go: the tile
// dense attention uses when the tier has no float tile kernel.
func gemmF8x4Generic(y []float32, ystride int, pw, px []float32, k int) {
	gemmFTileGeneric(y, ystride, pw, px, k, 8, 4)
}

// gemmFTileGeneric is the specification of gemmFFunc for an R × T tile.
func gemmFTileGeneric(y []float32, ystride int, pw, px []float32, k, R, T int) {
	for t := range T {
		for r := range R {
			var acc float32
			for i := range k {
				acc += px[i*T+t] * pw[i*R+r]
			}
			y[t*ystride+r] = acc
		}
	}
}
