package kernels

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/t5go/t5go/tensor"
)

// Workspace owns a pool and grow-only scratch (the quantized activations).
// After the first call with the largest shapes its methods allocate nothing.
// A Workspace serves one goroutine at a time.
type Workspace struct {
	Pool *Pool

	// AllowBF16 lets matrix products of 32 or more tokens round both
	// operands to bfloat16 (8 significant bits) and run on AMX tiles with
	// float32 sums, where the CPU has AMX-BF16. For callers whose accuracy
	// budget is already that of a half-precision or quantized model.
	AllowBF16 bool
	xb        []uint16 // the bfloat16 path's tokens
	bt        bTask

	acts    q8Acts
	panel   qPanel
	prep    prepTask
	xpanel  []float32 // tokens packed for the float tile kernel
	packT   packTokensTask
	scratch []workerScratch // one per pool thread
	mm      matmulTask

	// MatMuls: its task, the quantizations of products 1.. (product 0
	// uses acts) and the inputs they hold.
	multi    multiTask
	moreActs [maxProducts - 1]q8Acts
	multiX   [maxProducts][]float32
}

// NewWorkspace returns a workspace that threads over p (nil: one thread).
func NewWorkspace(p *Pool) *Workspace {
	if p == nil {
		p = NewPool(1)
	}
	return &Workspace{Pool: p, scratch: make([]workerScratch, p.Threads())}
}

// rowGrain is the smallest number of output rows a thread gets; it keeps
// the per-range overhead small against the row work, and is a whole
// X32 panel so ranges rarely cut one.
const rowGrain = 32

// MatMul computes y[t*rows+o] = Σ_i x[t*k+i]·W[o][i] for t < n, where
// w.Shape = {k, rows} (ggml order) and w.Data holds rows of k elements of
// w.Type (F32, F16, BF16, Q8_0, Q4_0, Q8_0X32 or Q4_0X32). For the quantized types the activations
// are quantized to Q8_0 once per call and dotted with integers. Output rows
// are split across the pool. It panics if the slices or the tensor are
// smaller than the shapes say (a programming error, like a bad copy).
func (ws *Workspace) MatMul(y, x []float32, n int, w tensor.Tensor) {
	if n <= 0 {
		return
	}
	k, rows := w.Shape[0], w.Rows()
	if len(x) < n*k || len(y) < n*rows || len(w.Data) < w.Type.RowBytes(k)*rows {
		panic(fmt.Sprintf("kernels: MatMul %q %v: x %d y %d data %d too short for n=%d",
			w.Name, w.Shape, len(x), len(y), len(w.Data), n))
	}
	if ws.useB(n, rows) && bTypeOK(w.Type, k) {
		ws.matmulB(y, x, n, w)
		return
	}
	m := &ws.mm
	*m = matmulTask{y: y, x: x, n: n, k: k, rows: rows, typ: w.Type, data: w.Data}
	switch w.Type {
	case tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32:
		if k%qk != 0 {
			panic(fmt.Sprintf("kernels: MatMul %q: row length %d not a multiple of %d", w.Name, k, qk))
		}
		ws.acts.size(n, k)
		m.acts = &ws.acts
		ws.prep = prepTask{a: &ws.acts, x: x}
		if quantTiles(n, rows, w.Type) {
			ws.prep.off = 128
			if w.Type.Base() == tensor.Q4_0 {
				ws.prep.off = 8
			}
			ws.panel.size(&ws.acts)
			ws.prep.panel = &ws.panel
		}
		ws.Pool.Run(n, 8, &ws.prep) // quantize (and pack) the tokens in parallel
		ws.prep = prepTask{}
		if quantTiles(n, rows, w.Type) {
			m.panel, m.scratch = &ws.panel, ws.scratch
			ws.Pool.Run(rows, gemmRows, m)
			*m = matmulTask{}
			return
		}
	case tensor.F32, tensor.F16, tensor.BF16:
		if impl.gemmF != nil && n >= gemmFMinTokens && rows >= impl.gemmFRows {
			T := impl.gemmFToks
			ws.xpanel = grow(ws.xpanel, (n+T-1)/T*T*k)
			ws.packT = packTokensTask{px: ws.xpanel, x: x, k: k, T: T}
			ws.Pool.Run(n, T, &ws.packT) // tiles of T tokens, in parallel
			ws.packT = packTokensTask{}
			m.scratch, m.xpanel = ws.scratch, ws.xpanel
			m.floatTiles = true
			ws.Pool.Run(rows, impl.gemmFRows, m)
			*m = matmulTask{}
			return
		}
	default:
		panic(fmt.Sprintf("kernels: MatMul %q: unsupported type %v", w.Name, w.Type))
	}
	ws.run(rows, rowGrain, m, w.Type.RowBytes(k)*rows)
	*m = matmulTask{} // drop references to the caller's buffers
}

// matmulTask runs MatMul over output rows [lo, hi).
type matmulTask struct {
	y, x       []float32
	n, k, rows int
	typ        tensor.Type
	data       []byte
	acts       *q8Acts
	panel      *qPanel         // set for the packed quantized path
	scratch    []workerScratch // claimed one per Run through next
	next       atomic.Int32
	floatTiles bool      // the packed float path
	xpanel     []float32 // its packed tokens
}

func (m *matmulTask) Run(lo, hi int) {
	k, rows := m.k, m.rows
	rb := m.typ.RowBytes(k)
	if m.panel != nil {
		s := &m.scratch[int(m.next.Add(1)-1)%len(m.scratch)]
		gemmQ(m.y, rows, m.data, rb, m.typ, m.panel, s, lo, hi)
		lo += (hi - lo) / gemmRows * gemmRows // rows past the last whole panel go per token
	}
	if m.floatTiles {
		s := &m.scratch[int(m.next.Add(1)-1)%len(m.scratch)]
		gemmF(&impl, m.y, m.xpanel, m.n, k, rows, m.data, m.typ, &s.f, lo, hi)
		lo += (hi - lo) / impl.gemmFRows * impl.gemmFRows
	}
	// Row kernels per token. With several tokens, rows go in chunks of
	// about 128 KiB so each chunk is read from DRAM once and from cache for
	// the other tokens: down to one row when rows are long (the transposed
	// values of a long input's cross cache, 64 KiB a row at 16K keys, read
	// once per query head in 32-row chunks that did not stay in L2).
	chunk := hi - lo
	if m.n > 1 {
		chunk = max(1, (128<<10)/max(rb, 1))
		if m.typ.Interleaved() {
			chunk = max(xRows, chunk/xRows*xRows) // whole panels
		}
	}
	for c0 := lo; c0 < hi; c0 += chunk {
		m.rowsPerToken(c0, min(c0+chunk, hi), rb)
	}
}

// x4MinK is the shortest float row rowsF32x4 takes (below, a pass is
// mostly its horizontal sums).
const x4MinK = 64

// rowsPerToken runs the row kernels over rows [lo, hi) for every token.
func (m *matmulTask) rowsPerToken(lo, hi, rb int) {
	k, rows := m.k, m.rows
	w := m.data[lo*rb : hi*rb]
	t0 := 0
	// Float rows (the attention products: a KV head's query rows against
	// its caches) take four tokens a pass, each weight loaded once for four:
	// 16384 keys × 256, cold, 1.8-2.1 → 1.4-1.5 ms on 1 thread; 256 × 16384
	// 2.5 → 1.5 ms; in L1/L2 at 128-1024 floats 1.0-1.9× faster.
	if m.typ == tensor.F32 && k >= x4MinK {
		for ; t0+4 <= m.n; t0 += 4 {
			impl.rowsF32x4(m.y[t0*rows+lo:], rows, asF32(w), m.x[t0*k:(t0+4)*k], hi-lo)
		}
	}
	for t := t0; t < m.n; t++ {
		y := m.y[t*rows+lo : t*rows+hi]
		x := m.x[t*k : t*k+k]
		switch m.typ {
		case tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32:
			a := m.acts
			xq, xd, xs := a.qs[t*k:t*k+k], a.d[t*a.nb:t*a.nb+a.nb], a.sum[t*a.nb:t*a.nb+a.nb]
			switch m.typ {
			case tensor.Q8_0:
				impl.rowsQ8(y, w, rb, xq, xd, xs)
			case tensor.Q4_0:
				impl.rowsQ4(y, w, rb, xq, xd, xs)
			default:
				rowsQX(m.typ, y, m.data, rows, rb, lo, hi, xq, xd, xs)
			}
		case tensor.F32:
			impl.rowsF32(y, asF32(w), x)
		case tensor.F16:
			impl.rowsF16(y, asU16(w), x)
		case tensor.BF16:
			impl.rowsBF16(y, asU16(w), x)
		}
	}
}

func asF32(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func asU32(b []byte) []uint32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// unsafeBytes views int8s as bytes.
func unsafeBytes(s []int8) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s))
}

func asU16(b []byte) []uint16 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2)
}
