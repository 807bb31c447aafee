package t5gemma

import (
	"sync/atomic"
	"unsafe"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/tensor"
)

// The decoder's merged attention: for the query heads sharing a KV head, one
// softmax over [own cached keys | encoder keys]. Both parts are matrix
// products over the caches' layouts (keys [cap × d], values transposed
// [d × cap]): the scores of a block of queries against every cached key, then
// the probabilities times the values, so the encoder keys of a long input are
// streamed once per step by every core instead of one dot product per key.
// Keys a query may not see (outside its causal window, padding, slots not yet
// written) get a score that exponentiates to zero.

const (
	mergedRows = 16    // decoder rows per block (bounds the score scratch)
	masked     = -1e30 // a score whose exponential is 0
)

// mergedScratch is sized once per State, so decoding allocates nothing.
type mergedScratch struct {
	q, o, o2 []float32 // [rows·G × d]
	ss, cs   []float32 // scores against the self ring and the encoder keys
	sum      []float32 // per query vector
	shapes   [4][2]int // backing arrays of the tensor views' shapes
}

func newMergedScratch(rows int, c *StackConfig, selfCap, crossCap int) mergedScratch {
	nq := min(mergedRows, rows) * (c.Heads / c.KVHeads)
	return mergedScratch{
		q: make([]float32, nq*c.HeadDim), o: make([]float32, nq*c.HeadDim), o2: make([]float32, nq*c.HeadDim),
		ss: make([]float32, nq*selfCap), cs: make([]float32, nq*crossCap), sum: make([]float32, nq),
	}
}

// view makes an f32 weight view of x (rows of length k) whose shape lives in
// the scratch, so building it allocates nothing.
func (ms *mergedScratch) view(i int, x []float32, k, rows int) tensor.Tensor {
	ms.shapes[i] = [2]int{k, rows}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*k*rows)
	return tensor.Tensor{Type: tensor.F32, Shape: ms.shapes[i][:], Data: b}
}

// decAttend fills st.att for the chunk's query rows [lo, hi), a block of at
// most mergedRows rows of one sequence at a time. With several sequences
// (batched decoding) and threads, the blocks run in parallel, each worker on
// its own scratch and a single-threaded workspace: a block's products (a few
// query rows against one sequence's caches) are too small to split well.
func (st *State) decAttend(lo, hi int) {
	t := &st.attnDec
	nb := 0
	for r0 := lo; r0 < hi; nb++ {
		st.blocks[nb] = r0
		r0 = min(hi, (r0/t.n+1)*t.n, r0+mergedRows)
	}
	st.blocks[nb] = hi
	if nb < 2 || len(st.attnWorkers) < 2 {
		for i := range nb {
			st.attendBlock(&st.merged, st.ws, lo, st.blocks[i], st.blocks[i+1])
		}
		return
	}
	st.attnPar = attnParTask{st: st, lo: lo}
	st.ws.Pool.Run(nb, 1, &st.attnPar)
	st.attnPar = attnParTask{}
}

// attnWorker is one thread's scratch for decAttend's parallel blocks.
type attnWorker struct {
	ws *kernels.Workspace
	ms mergedScratch
}

// attnParTask runs decAttend's blocks [i0, i1) on the next free worker.
type attnParTask struct {
	st   *State
	lo   int
	next atomic.Int32
}

func (a *attnParTask) Run(i0, i1 int) {
	st := a.st
	w := &st.attnWorkers[int(a.next.Add(1)-1)%len(st.attnWorkers)]
	for i := i0; i < i1; i++ {
		st.attendBlock(&w.ms, w.ws, a.lo, st.blocks[i], st.blocks[i+1])
	}
}

// attendBlock fills st.att for rows [r0, r1) of one sequence (lo: the
// first row of the call), with scratch ms and products on ws.
func (st *State) attendBlock(ms *mergedScratch, ws *kernels.Workspace, lo, r0, r1 int) {
	t := &st.attnDec
	c, d := t.c, t.c.HeadDim
	G := c.Heads / c.KVHeads
	qw := c.Heads * d
	sc, cr := &st.self[t.layer], &st.cross[t.layer]
	scale := attnScale(c)
	b := r0 / t.n
	n := r1 - r0
	nq := n * G
	for g := range c.KVHeads {
		q := ms.q[:nq*d]
		for r := range n {
			src := (r0-lo+r)*qw + g*G*d
			for i, x := range st.q[src : src+G*d] {
				q[r*G*d+i] = x * scale
			}
		}
		ss, cs := ms.ss[:nq*sc.live], ms.cs[:nq*cr.used]
		ws.MatMuls(nq, kernels.Product{Y: ss, X: q, W: ms.view(0, sc.keys(b, g), d, sc.live)},
			kernels.Product{Y: cs, X: q, W: cr.keys(b, g, &ms.shapes[1])})
		for r := range n {
			p := st.pos + (r0+r)%t.n // this row's position
			for h := range G {
				qi := r*G + h
				ms.sum[qi] = st.mergedSoftmax(ss[qi*sc.live:(qi+1)*sc.live], cs[qi*cr.used:(qi+1)*cr.used], p, sc.live, b, t.sliding, c.Window)
			}
		}
		o, o2 := ms.o[:nq*d], ms.o2[:nq*d]
		ws.MatMuls(nq, kernels.Product{Y: o, X: ss, W: ms.view(2, sc.values(b, g), sc.live, d)},
			kernels.Product{Y: o2, X: cs, W: cr.values(b, g, &ms.shapes[3])})
		for r := range n {
			dst := (r0-lo+r)*qw + g*G*d
			for h := range G {
				qi := r*G + h
				out := st.att[dst+h*d : dst+(h+1)*d]
				if ms.sum[qi] == 0 {
					clear(out)
					continue
				}
				inv := 1 / ms.sum[qi]
				for i := range out {
					out[i] = (o[qi*d+i] + o2[qi*d+i]) * inv
				}
			}
		}
	}
}

// mergedSoftmax turns one query's self scores (ring slots) and cross scores
// into unnormalised probabilities in place, one max over both parts, and
// returns their sum.
func (st *State) mergedSoftmax(self, cross []float32, p, capacity, b int, sliding bool, window int) float32 {
	lo := 0
	if sliding {
		lo = max(0, p-window+1)
	}
	last := st.pos + st.attnDec.n - 1 // newest position written to the ring
	m := float32(masked)
	for s := range self {
		// the position slot s holds: the newest one ≡ s (mod capacity)
		pos := last - ((last-s)%capacity+capacity)%capacity
		if pos < lo || pos > p || pos < 0 {
			self[s] = masked
		} else if self[s] > m {
			m = self[s]
		}
	}
	j := 0
	for _, sp := range st.encSpans[b] {
		for ; j < sp.Lo; j++ {
			cross[j] = masked
		}
		m = kernels.Max(cross[sp.Lo:sp.Hi], m) // the vector max: a span can be 128K keys
		j = sp.Hi
	}
	for ; j < len(cross); j++ {
		cross[j] = masked
	}
	if m == masked {
		clear(self)
		clear(cross)
		return 0
	}
	return kernels.ExpSum(self, m) + kernels.ExpSum(cross, m)
}
