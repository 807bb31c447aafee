package kernels

import (
	"sync/atomic"

	"github.com/t5go/t5go/tensor"
)

// bMinTokens: below it the bfloat16 path leaves products to the others.
const bMinTokens = 32

// A pass over a worker's weight panels takes a chunk of tokens: about
// bChunkBytes of activations, which stay in L2 while the panels stream
// past, and at least bChunkTokens so each panel is reused enough.
const (
	bChunkBytes  = 1 << 20
	bChunkTokens = 128
)

// useB reports whether MatMul takes the bfloat16 AMX path.
func (ws *Workspace) useB(n, rows int) bool {
	return ws.AllowBF16 && impl.gemmB != nil && n >= bMinTokens && rows >= 32
}

// HasBF16 reports whether the selected tier multiplies in bfloat16 on AMX
// where a caller allows it (Workspace.AllowBF16, DenseAttn.BF16).
func HasBF16() bool { return impl.gemmB != nil }

// bTypeOK reports whether packRowsB reads rows of k elements of typ.
func bTypeOK(typ tensor.Type, k int) bool {
	switch typ {
	case tensor.F32, tensor.F16, tensor.BF16:
		return true
	case tensor.Q8_0, tensor.Q4_0:
		return k%qk == 0
	}
	return false
}

// matmulB is MatMul on the bfloat16 path: the tokens become A (converted
// in parallel), each worker packs its rows as B panels and runs the token
// panels over them a chunk at a time.
func (ws *Workspace) matmulB(y, x []float32, n int, w tensor.Tensor) {
	k, rows := w.Shape[0], w.Rows()
	kp := (k + 31) / 32 * 32
	np := (n + 31) / 32 * 32
	ws.xb = grow(ws.xb, np*kp)
	t := &ws.bt
	*t = bTask{y: y, x: x, n: n, k: k, kp: kp, rows: rows, typ: w.Type, data: w.Data, rb: w.Type.RowBytes(k),
		xb: ws.xb, scratch: ws.scratch}
	ws.Pool.Run(np, 32, t) // phase 0: activations
	t.phase = 1
	ws.Pool.Run(rows, 32, t)
	*t = bTask{}
}

// bTask runs matmulB's two phases.
type bTask struct {
	y, x               []float32
	n, k, kp, rows, rb int
	typ                tensor.Type
	data               []byte
	xb                 []uint16
	scratch            []workerScratch
	phase              int
	next               atomic.Int32
}

func (t *bTask) Run(lo, hi int) {
	if t.phase == 0 {
		end := min(hi, t.n)
		if lo < end {
			rowsToA(t.xb[lo*t.kp:], t.x[lo*t.k:], end-lo, t.k, t.k, t.kp, 1)
		}
		if hi > t.n {
			clear(t.xb[max(lo, t.n)*t.kp : hi*t.kp])
		}
		return
	}
	s := &t.scratch[int(t.next.Add(1)-1)%len(t.scratch)]
	ks := t.kp / 32
	panels := (hi - lo + 31) / 32
	s.bpack = grow(s.bpack, panels*ks*bStep)
	s.brow = grow(s.brow, t.k)
	for p := range panels {
		r0 := lo + 32*p
		packRowsB(s.bpack[p*ks*bStep:], t.data[r0*t.rb:], t.rb, t.k, hi-r0, t.typ, s.brow)
	}
	chunk := max(bChunkTokens, bChunkBytes/(2*t.kp)/32*32)
	full := t.n / 32 * 32 // tokens in whole panels
	for t0 := 0; t0 < t.n; t0 += chunk {
		t1 := min(t0+chunk, full)
		for p := range panels {
			r0 := lo + 32*p
			bp := s.bpack[p*ks*bStep : (p+1)*ks*bStep]
			if t1 > t0 && r0+32 <= hi {
				impl.gemmB(t.y[t0*t.rows+r0:], t.rows, t.xb[t0*t.kp:], t.kp, bp, ks, (t1-t0)/32)
			} else {
				// a partial panel of rows: tile by tile through scratch
				for tp := t0; tp < t1; tp += 32 {
					t.tileOut(s, bp, ks, tp, r0, min(32, hi-r0))
				}
			}
			if t0+chunk >= t.n && full < t.n {
				t.tileOut(s, bp, ks, full, r0, min(32, hi-r0))
			}
		}
	}
}

// tileOut computes the 32×32 tile of tokens from t0 and rows from r0 into
// scratch and copies its valid part (tokens < n, nr rows) to y.
func (t *bTask) tileOut(s *workerScratch, bp []uint16, ks, t0, r0, nr int) {
	impl.gemmB(s.cb[:], 32, t.xb[t0*t.kp:], t.kp, bp, ks, 1)
	for tt := t0; tt < min(t0+32, t.n); tt++ {
		copy(t.y[tt*t.rows+r0:tt*t.rows+r0+nr], s.cb[(tt-t0)*32:])
	}
}
