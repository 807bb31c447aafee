package kernels

import (
	"fmt"

	"github.com/t5go/t5go/tensor"
)

// Product is one product of MatMuls: Y = X·Wᵀ for n tokens, with Y, X and W
// as MatMul's y, x and w.
type Product struct {
	Y, X []float32
	W    tensor.Tensor
}

// maxProducts bounds one MatMuls call (q, k, v is the most a layer issues).
const maxProducts = 4

// smallBytes: a row-kernel product reading fewer weight bytes than this runs
// on the caller. Handing it to the pool costs a wake-up and a barrier, about
// what the other thread would save (a few µs).
const smallBytes = 48 << 10

// MatMuls computes every product like MatMul. When all of them take the row
// kernels (few tokens) it runs them as one task over their rows put end to
// end: one hand-off to the pool instead of one per matrix, and activations
// shared by several quantized products are quantized once. Products whose
// X is the same slice share a quantization, so give the same slice, not a
// copy. Other calls (tile kernels) run the products one after another.
func (ws *Workspace) MatMuls(n int, ps ...Product) {
	if n <= 0 || len(ps) == 0 {
		return
	}
	if len(ps) > maxProducts || !ws.rowPath(n, ps) {
		for _, p := range ps {
			ws.MatMul(p.Y, p.X, n, p.W)
		}
		return
	}
	mt := &ws.multi
	total, bytes := 0, 0
	for i, p := range ps {
		w := p.W
		k, rows := w.Shape[0], w.Rows()
		if len(p.X) < n*k || len(p.Y) < n*rows || len(w.Data) < w.Type.RowBytes(k)*rows {
			panic(fmt.Sprintf("kernels: MatMuls %q %v: x %d y %d data %d too short for n=%d",
				w.Name, w.Shape, len(p.X), len(p.Y), len(w.Data), n))
		}
		m := &mt.tasks[i]
		*m = matmulTask{y: p.Y, x: p.X, n: n, k: k, rows: rows, typ: w.Type, data: w.Data}
		if b := w.Type.Base(); b == tensor.Q8_0 || b == tensor.Q4_0 {
			if k%qk != 0 {
				panic(fmt.Sprintf("kernels: MatMuls %q: row length %d not a multiple of %d", w.Name, k, qk))
			}
			m.acts = ws.sharedActs(i, p.X, n, k)
		}
		total += rows
		bytes += w.Type.RowBytes(k) * rows
		mt.end[i] = total
	}
	mt.n = len(ps)
	ws.run(total, rowGrain, mt, bytes)
	*mt = multiTask{} // drop references to the caller's buffers
	for i := range ws.multiX {
		ws.multiX[i] = nil
	}
}

// rowPath reports whether MatMul would run every product on the row kernels
// per token (no packed tiles) with a type it supports.
func (ws *Workspace) rowPath(n int, ps []Product) bool {
	for _, p := range ps {
		rows := p.W.Rows()
		switch p.W.Type {
		case tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32:
			if quantTiles(n, rows, p.W.Type) {
				return false
			}
		case tensor.F32, tensor.F16, tensor.BF16:
			if impl.gemmF != nil && n >= gemmFMinTokens && rows >= impl.gemmFRows {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// sharedActs returns product i's quantized activations: those of an earlier
// product with the same X and row length, or x quantized on the caller into
// buffer i (few tokens: not worth a hand-off).
func (ws *Workspace) sharedActs(i int, x []float32, n, k int) *q8Acts {
	for j := range i {
		a := ws.multiActs(j)
		if len(x) > 0 && len(ws.multiX[j]) > 0 && &ws.multiX[j][0] == &x[0] && a.n == n && a.k == k {
			return a
		}
	}
	a := ws.multiActs(i)
	a.quantize(x, n, k)
	ws.multiX[i] = x
	return a
}

// multiActs is quantization buffer i; buffer 0 is MatMul's own.
func (ws *Workspace) multiActs(i int) *q8Acts {
	if i == 0 {
		return &ws.acts
	}
	return &ws.moreActs[i-1]
}

// run splits a row task across the pool, or runs it on the caller when it
// reads fewer than smallBytes of weights.
func (ws *Workspace) run(rows, grain int, t Task, bytes int) {
	if bytes < smallBytes {
		t.Run(0, rows)
		return
	}
	ws.Pool.Run(rows, grain, t)
}

// multiTask runs MatMuls' products over their rows put end to end: product
// i owns rows [end[i-1], end[i]).
type multiTask struct {
	tasks [maxProducts]matmulTask
	end   [maxProducts]int
	n     int
}

func (mt *multiTask) Run(lo, hi int) {
	start := 0
	for i := range mt.n {
		end := mt.end[i]
		if a, b := max(lo, start), min(hi, end); a < b {
			mt.tasks[i].Run(a-start, b-start)
		}
		start = end
	}
}
