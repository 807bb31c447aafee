package kernels

import (
	"math"
	"sync/atomic"
)

// Dense attention on the bfloat16 AMX path (DenseAttn.BF16). Per head the
// keys become A rows (key × dim) and the values A rows transposed (dim ×
// key); per block of 32 queries:
//
//  1. S[key][query] = keys · queries, the queries packed as B (scaled);
//  2. a softmax down each query's column (exp, sums) that writes the
//     probabilities as B, pairs of keys at a time (softmaxPairs);
//  3. O[dim][query] = values · probabilities, divided by the sums on the
//     way out.

// attendB is Attend on the bfloat16 path.
func (a *DenseAttn) attendB(p *Pool, out, q, k, v []float32, n, stride, heads, d int, scale float32) {
	np, dp := (n+31)/32*32, (d+31)/32*32
	t := &a.btask
	// vs: the transposed values' row stride, off a multiple of 4 KiB so a
	// tile's 16 rows do not share one L1 set
	*t = bAttnTask{a: a, out: out, q: q, k: k, v: v, n: n, np: np, d: d, dp: dp, vs: np + 32, stride: stride,
		heads: heads, scale: scale, blocks: np / 32}
	a.kb = grow(a.kb, heads*np*dp)
	a.vb = grow(a.vb, heads*dp*t.vs)
	if len(a.bscratch) < p.Threads() {
		a.bscratch = make([]bAttnScratch, p.Threads())
	}
	t.items = heads // phase 0: keys and values of each head
	p.Run(p.Threads(), 1, t)
	t.phase, t.items = 1, heads*t.blocks
	t.next.Store(0)
	p.Run(p.Threads(), 1, t)
	*t = bAttnTask{}
}

type bAttnScratch struct {
	qt   []float32 // [dp × 32] the block's scaled queries, transposed
	vt   []float32 // [d × np] a head's values, transposed
	qb   []uint16  // the block's queries as B
	s    []float32 // [np × 32] scores (then scratch)
	pb   []uint16  // the exps as B
	o    []float32 // [dp × 32] outputs, transposed
	sum  [32]float32
	sink uint32 // touchRows' results
}

type bAttnTask struct {
	a                        *DenseAttn
	out, q, k, v             []float32
	n, np, d, dp, vs, stride int
	heads, blocks, items     int
	scale                    float32
	phase                    int
	next                     atomic.Int64
}

func (t *bAttnTask) Run(lo, hi int) {
	s := &t.a.bscratch[lo]
	for {
		i := int(t.next.Add(1) - 1)
		if i >= t.items {
			return
		}
		if t.phase == 0 {
			t.packHead(s, i)
		} else {
			t.block(s, i/t.blocks, i%t.blocks)
		}
	}
}

// packHead converts head h's keys (A: np × dp) and values (A: dp × np,
// transposed), zero past n keys and d dims. The values are transposed in
// float32 and then rounded a row at a time by the vector converter (a
// bfloat16 rounding per scattered element cost more than the transpose).
func (t *bAttnTask) packHead(s *bAttnScratch, h int) {
	n, np, d, dp := t.n, t.np, t.d, t.dp
	kb := t.a.kb[h*np*dp : (h+1)*np*dp]
	rowsToA(kb, t.k[h*d:], n, d, t.stride, dp, 1)
	clear(kb[n*dp:])
	vs := t.vs
	vb := t.a.vb[h*dp*vs : (h+1)*dp*vs]
	clear(vb[d*vs:])
	// vt's rows are n+16 floats apart: at n a multiple of 1024 they would
	// all fall in one L1 set, and every store of the transpose missed.
	vts := n + 16
	s.vt = grow(s.vt, d*vts)
	v := t.v[h*d:]
	for j0 := 0; j0 < n; j0 += 32 {
		j1 := min(j0+32, n)
		if j1 < n {
			s.sink |= touchRows(v[j1*t.stride:], min(32, n-j1), d, t.stride)
		}
		for j := j0; j < j1; j++ {
			for c, x := range v[j*t.stride : j*t.stride+d] {
				s.vt[c*vts+j] = x
			}
		}
	}
	rowsToA(vb, s.vt, d, n, vts, vs, 1)
}

// touchRows loads one float of every cache line of n rows of w floats,
// stride apart: independent loads that the core overlaps, so rows in L3 or
// DRAM arrive together instead of one miss per row inside a scalar loop
// too long for the core to run ahead of. It returns the bits' OR, which
// the caller keeps (in its own scratch) so the loads stay.
func touchRows(x []float32, n, w, stride int) uint32 {
	var s uint32
	for r := 0; r < n; r++ {
		row := x[r*stride : r*stride+w]
		for i := 0; i < w; i += 16 {
			s |= math.Float32bits(row[i])
		}
		s |= math.Float32bits(row[w-1])
	}
	return s
}

// block attends queries [32b, 32b+32) of head h.
func (t *bAttnTask) block(s *bAttnScratch, h, b int) {
	n, np, d, dp := t.n, t.np, t.d, t.dp
	ks := dp / 32
	s.qb = grow(s.qb, ks*bStep)
	s.qt = grow(s.qt, dp*32)
	s.s = grow(s.s, np*32)
	s.pb = grow(s.pb, np/32*bStep)
	s.o = grow(s.o, dp*32)
	// the queries as B: columns are queries, pairs run along the dims;
	// transposed in float32, then paired and rounded by the vector kernel
	clear(s.qt)
	q0, nq := 32*b, min(32, n-32*b)
	s.sink |= touchRows(t.q[q0*t.stride+h*d:], nq, d, t.stride)
	s.sink |= touchRows(t.out[q0*t.stride+h*d:], nq, d, t.stride) // its stores below
	for r := 0; r < nq; r++ {
		for i, x := range t.q[(q0+r)*t.stride+h*d : (q0+r)*t.stride+h*d+d] {
			s.qt[i*32+r] = x * t.scale
		}
	}
	impl.pairsBF16(s.qb, s.qt, dp/2)
	impl.gemmB(s.s, 32, t.a.kb[h*np*dp:(h+1)*np*dp], dp, s.qb, ks, np/32)
	for i := n * 32; i < np*32; i++ {
		s.s[i] = float32(math.Inf(-1)) // keys past n: zero weights
	}
	impl.softmaxPairs(s.pb, s.s, np/32, s.sum[:])
	impl.gemmB(s.o, 32, t.a.vb[h*dp*t.vs:(h+1)*dp*t.vs], t.vs, s.pb, np/32, dp/32)
	for r := 0; r < nq; r++ {
		inv := 1 / s.sum[r]
		o := t.out[(q0+r)*t.stride+h*d : (q0+r)*t.stride+h*d+d]
		for c := range o {
			o[c] = s.o[c*32+r] * inv
		}
	}
}
