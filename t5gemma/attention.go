package t5gemma

import (
	"math"
	"unsafe"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/tensor"
)

// Blocked attention for the encoder and the vision tower, where many queries
// share their keys: flash-style, key tile by key tile, with a running max and
// sum per query, but the scores of a block of queries against a tile and the
// weighted sum of the tile's values are matrix products (the workspace's
// register-blocked kernels) instead of one dot product per query and key.
// Memory is one tile of scores per query block, never queries × keys.

// Block sizes (variables so tests can force many tiles).
var (
	tileKeys    = 256 // keys per tile
	slidingRows = 64  // query rows per block on sliding layers (less window waste)
)

// tiledAttn holds the scratch of blocked attention; it grows to the largest
// block seen.
type tiledAttn struct {
	ws             *kernels.Workspace
	qb, ob         []float32 // gathered queries and their outputs, [nq × d]
	kt, vt         []float32 // key tile [T × d], value tile transposed [d × T]
	sc, pv         []float32 // scores / probabilities [nq × T], tile output [nq × d]
	acc            []float32 // running output [nq × d]
	mx, sum        []float32 // running max and sum per query
	soft           softmaxTask
	window         func(r int) (lo, hi int) // keys row r may see; nil = all
	rowsPerQuery   int                      // query vectors per row (heads sharing the KV head)
	firstKey, keyN int                      // the current tile
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// f32Tensor views float32s as an f32 weight matrix with rows of length k.
func f32Tensor(x []float32, k, rows int) tensor.Tensor {
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*k*rows)
	return tensor.Tensor{Type: tensor.F32, Shape: []int{k, rows}, Data: b}
}

// attend computes, for nq query vectors q (row-major, width d; vector i
// belongs to query row i/rowsPerQuery; scaled in place by scale, so that the
// scores need no further multiply), the attention over the keys in spans
// (key j at k[j*stride:]; the values transposed, component c of value j at
// vt[c*vtStride+j]), writing nq vectors to out.
func (a *tiledAttn) attend(out, q []float32, nq, d int, scale float32, k []float32, stride int, vt []float32, vtStride int, spans []kernels.Span) {
	a.acc = grow(a.acc, nq*d)
	a.mx, a.sum = grow(a.mx, nq), grow(a.sum, nq)
	clear(a.acc)
	clear(a.sum)
	for i := range a.mx {
		a.mx[i] = float32(math.Inf(-1))
	}
	a.kt, a.vt = grow(a.kt, tileKeys*d), grow(a.vt, tileKeys*d)
	a.sc, a.pv = grow(a.sc, nq*tileKeys), grow(a.pv, nq*d)
	for i := range q[:nq*d] {
		q[i] *= scale
	}
	for _, sp := range spans {
		for j0 := sp.Lo; j0 < sp.Hi; j0 += tileKeys {
			T := min(tileKeys, sp.Hi-j0)
			if !a.tileVisible(nq, j0, T) {
				continue
			}
			for t := range T {
				copy(a.kt[t*d:(t+1)*d], k[(j0+t)*stride:])
			}
			for c := range d {
				copy(a.vt[c*T:(c+1)*T], vt[c*vtStride+j0:])
			}
			sc := a.sc[:nq*T]
			a.ws.MatMul(sc, q, nq, f32Tensor(a.kt, d, T))
			a.firstKey, a.keyN = j0, T
			a.soft = softmaxTask{a: a, d: d}
			a.ws.Pool.Run(nq, 16, &a.soft)
			a.ws.MatMul(a.pv, sc, nq, f32Tensor(a.vt, T, d))
			kernels.Add(a.acc[:nq*d], a.pv[:nq*d])
		}
	}
	for i := range nq {
		o := out[i*d : (i+1)*d]
		if a.sum[i] == 0 {
			clear(o)
			continue
		}
		inv := 1 / a.sum[i]
		for c, x := range a.acc[i*d : (i+1)*d] {
			o[c] = x * inv
		}
	}
}

// tileVisible reports whether any query row may see a key of the tile.
func (a *tiledAttn) tileVisible(nq, j0, T int) bool {
	if a.window == nil {
		return true
	}
	lo, _ := a.window(0)
	_, hi := a.window((nq - 1) / a.rowsPerQuery)
	return j0 < hi && j0+T > lo
}

// softmaxTask turns a tile's scores into probabilities against each query's
// running max, rescaling that query's running output and sum when the max
// grows; keys outside a row's window get probability 0.
type softmaxTask struct {
	a *tiledAttn
	d int
}

func (t *softmaxTask) Run(lo, hi int) {
	a, T := t.a, t.a.keyN
	for i := lo; i < hi; i++ {
		s := a.sc[i*T : (i+1)*T]
		vlo, vhi := 0, T // visible keys of this tile
		if a.window != nil {
			wlo, whi := a.window(i / a.rowsPerQuery)
			vlo, vhi = max(0, wlo-a.firstKey), min(T, whi-a.firstKey)
		}
		if vlo >= vhi { // nothing visible in this tile: contributes nothing
			clear(s)
			continue
		}
		clear(s[:vlo])
		clear(s[vhi:])
		vis := s[vlo:vhi]
		m := vis[0]
		for _, x := range vis[1:] {
			if x > m { // not the builtin max: its NaN and ±0 rules cost a lot here
				m = x
			}
		}
		if m > a.mx[i] {
			if a.sum[i] != 0 {
				c := expf(a.mx[i] - m)
				a.sum[i] *= c
				acc := a.acc[i*t.d : (i+1)*t.d]
				for j := range acc {
					acc[j] *= c
				}
			}
			a.mx[i] = m
		}
		a.sum[i] += kernels.ExpSum(vis, a.mx[i])
	}
}

// expf is e^x for x <= 0 (scores minus their running max) in float32, to
// about 2 ulp: x = n·ln2 + r with |r| <= ln2/2, e^r by a degree-6
// polynomial, 2^n through the exponent bits. math.Exp in float64 costs
// several times more and the softmax calls it once per query and key.
func expf(x float32) float32 {
	if x < -87.3 {
		return 0
	}
	const log2e, ln2hi, ln2lo = 1.44269504088896341, 0.693359375, -2.12194440e-4
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2hi - n*ln2lo
	p := float32(1.0 / 720)
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}
