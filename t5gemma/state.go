package t5gemma

import (
	"fmt"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/tensor"
)

// Limits size a State: how many sequences run together and how long their
// encoder input and decoder output may be.
type Limits struct {
	Batch  int // sequences per request
	EncLen int // encoder tokens per sequence (padded length)
	DecLen int // decoder tokens per sequence, start token included
	Chunk  int // most decoder tokens fed in one Decode call (default DecLen)
	// CrossType stores the decoder's copy of the encoder keys and values
	// (what a decode step reads most of at long inputs): f32 (the zero
	// value), f16 or q8_0 (f16 where head_dim is not a multiple of 32).
	CrossType tensor.Type
}

// State holds every activation and cache of one request, sized once from the
// config and the limits: decoding a token allocates nothing. A State is not
// safe for concurrent use; make one per goroutine.
type State struct {
	m   *Model
	cfg *Config
	lim Limits
	ws  *kernels.Workspace

	// Trace, if set, sees every named intermediate: "encoder_embeds",
	// "encoder_layer_outputs" (per layer), "encoder_last_hidden_state", and the
	// decoder_* equivalents, each as rows of hidden size for all sequences.
	Trace func(name string, layer int, x []float32)

	// activations: the residual stream and keys/values for up to
	// max(Batch·EncLen, Batch·Chunk) tokens, the rest for one chunk of rows
	x        []float32 // [n × H] the residual stream
	h, o     []float32 // [chunk × H]
	last     []float32 // [Batch·Chunk × H] the decoder's final hidden states
	q, att   []float32 // [chunk × Heads·HeadDim]
	k, v     []float32 // [n × KVHeads·HeadDim]
	vT       []float32 // encoder values per sequence and KV head, [HeadDim × S]
	gate, up []float32 // [chunk × FFN]
	encRope  stackRope
	decRope  stackRope

	// the current request's encoder side
	b, s        int              // batch rows and padded encoder length
	encMask     []int32          // [b × s]
	encSpans    [][]kernels.Span // per row: runs of real encoder tokens
	encOut      []float32        // [b × s × H] encoder_last_hidden_state
	cross       []crossCache     // per decoder layer: k_norm(k_proj(enc)), v_proj(enc)
	crossBuilds int              // times the cross K/V were computed (tests)
	self        []kvCache        // per decoder layer: post-norm, post-RoPE self K/V, a ring of cap positions
	pos         int              // next decoder position
	logits      []float32        // see Decode
	merged      mergedScratch    // the decoder attention's scratch
	crossBuf    []float32        // one (row, head)'s keys and values while building the cross caches
	crossBufT   []float32        //
	attnEnc     encAttnTask      //
	tiled       tiledAttn        // blocked attention scratch (encoder)
	spanBuf     []kernels.Span   //
	attnDec     decAttnTask      //
	blocks      []int            // decAttend's blocks: block i is rows [blocks[i], blocks[i+1])
	attnWorkers []attnWorker     // per pool thread, for a batch's blocks in parallel
	attnPar     attnParTask      //
}

// kvCache holds the keys and values of one decoder layer for every batch row
// and KV head, laid out for matrix products: keys as [cap × HeadDim] and
// values transposed as [HeadDim × live] per (row, KV head). live, the
// slots the products read, grows by doubling up to cap as positions are
// written (grow), so a state sized for thousands of new tokens does not
// read thousands of empty slots every step; below cap no slot wraps.
type kvCache struct {
	k, vt []float32
	cap   int
	live  int // slots in use: the values' row stride
	heads int // KV heads
	d     int // head width
}

// liveStart is a self cache's live slots after a restart.
const liveStart = 16

// keys of batch row b, KV head g: [live × d] (rows are slots).
func (c *kvCache) keys(b, g int) []float32 {
	o := (b*c.heads + g) * c.cap * c.d
	return c.k[o : o+c.live*c.d]
}

// values of batch row b, KV head g, transposed: [d × live].
func (c *kvCache) values(b, g int) []float32 {
	o := (b*c.heads + g) * c.cap * c.d
	return c.vt[o : o+c.live*c.d]
}

// put stores key and value vectors (d each) of (b, g) at slot j < live.
func (c *kvCache) put(b, g, j int, key, value []float32) {
	copy(c.keys(b, g)[j*c.d:(j+1)*c.d], key)
	vt := c.values(b, g)
	for i, x := range value[:c.d] {
		vt[i*c.live+j] = x
	}
}

// grow makes positions below upto fit without wrapping (or live = cap):
// it doubles live and moves each transposed value row to the new stride,
// last row first (rows only move up), zeroing the new slots.
func (c *kvCache) grow(upto int) {
	n := c.live
	for n < min(upto, c.cap) {
		n = min(2*n, c.cap)
	}
	if n == c.live {
		return
	}
	for blk := 0; blk < len(c.vt); blk += c.cap * c.d {
		vt := c.vt[blk : blk+c.cap*c.d]
		for i := c.d - 1; i >= 0; i-- {
			copy(vt[i*n:i*n+c.live], vt[i*c.live:(i+1)*c.live])
			clear(vt[i*n+c.live : (i+1)*n])
		}
	}
	c.live = n
}

// restart forgets every position: slots are rewritten from 0.
func (c *kvCache) restart() { c.live = min(liveStart, c.cap) }

func newKVCache(batch, capacity int, s *StackConfig) kvCache {
	n := batch * s.KVHeads * capacity * s.HeadDim
	return kvCache{k: make([]float32, n), vt: make([]float32, n), cap: capacity, live: min(liveStart, capacity),
		heads: s.KVHeads, d: s.HeadDim}
}

// NewState allocates the activations and caches for lim. pool runs the
// parallel parts; it may be shared by States that do not run at once.
func (m *Model) NewState(lim Limits, pool *kernels.Pool) (*State, error) {
	c := m.Config
	if lim.Batch <= 0 || lim.EncLen <= 0 || lim.DecLen <= 0 {
		return nil, fmt.Errorf("t5gemma: limits %+v must be positive", lim)
	}
	if lim.Chunk <= 0 || lim.Chunk > lim.DecLen {
		lim.Chunk = lim.DecLen
	}
	if lim.EncLen > c.Enc.Context {
		return nil, fmt.Errorf("t5gemma: %d encoder tokens exceed the model's maximum of %d", lim.EncLen, c.Enc.Context)
	}
	if lim.DecLen > c.Dec.Context {
		return nil, fmt.Errorf("t5gemma: %d decoder tokens exceed the model's maximum of %d", lim.DecLen, c.Dec.Context)
	}
	if err := m.checkMemory(lim); err != nil {
		return nil, err
	}
	n := max(lim.Batch*lim.EncLen, lim.Batch*lim.Chunk) // rows of the residual stream and keys/values
	nc := min(n, chunkRows)                             // rows of the per-chunk activations
	qw := max(c.Enc.Heads*c.Enc.HeadDim, c.Dec.Heads*c.Dec.HeadDim)
	kvw := max(c.Enc.KVHeads*c.Enc.HeadDim, c.Dec.KVHeads*c.Dec.HeadDim)
	ffn := max(c.Enc.FFN, c.Dec.FFN)
	H := c.Hidden
	st := &State{
		m: m, cfg: c, lim: lim, ws: kernels.NewWorkspace(pool),
		x: make([]float32, n*H), h: make([]float32, nc*H), o: make([]float32, max(nc, lim.Batch)*H),
		last: make([]float32, lim.Batch*lim.Chunk*H),
		q:    make([]float32, nc*qw), att: make([]float32, nc*qw),
		k: make([]float32, n*kvw), v: make([]float32, n*kvw),
		vT:   make([]float32, lim.Batch*lim.EncLen*c.Enc.KVHeads*c.Enc.HeadDim),
		gate: make([]float32, nc*ffn), up: make([]float32, nc*ffn),
		encRope:  newStackRope(&c.Enc, lim.EncLen),
		decRope:  newStackRope(&c.Dec, lim.DecLen),
		encMask:  make([]int32, lim.Batch*lim.EncLen),
		encSpans: make([][]kernels.Span, lim.Batch),
		encOut:   make([]float32, lim.Batch*lim.EncLen*H),
		logits:   make([]float32, lim.Batch*c.Vocab),
	}
	ct, err := crossType(lim.CrossType, c.Dec.HeadDim)
	if err != nil {
		return nil, err
	}
	selfCap := 0
	for l := range c.Dec.Layers {
		capacity := lim.DecLen
		if c.Dec.Sliding[l] {
			// a query sees its w most recent keys; a chunk writes Chunk keys first
			capacity = min(lim.DecLen, c.Dec.Window-1+lim.Chunk)
		}
		st.self = append(st.self, newKVCache(lim.Batch, capacity, &c.Dec))
		st.cross = append(st.cross, newCrossCache(lim.Batch, lim.EncLen, &c.Dec, ct))
		selfCap = max(selfCap, capacity)
	}
	st.merged = newMergedScratch(lim.Batch*lim.Chunk, &c.Dec, selfCap, st.cross[0].cap)
	st.blocks = make([]int, lim.Batch*lim.Chunk+1)
	if lim.Batch > 1 && st.ws.Pool.Threads() > 1 {
		// a block holds one sequence's rows, at most Chunk
		for range st.ws.Pool.Threads() {
			st.attnWorkers = append(st.attnWorkers, attnWorker{
				ws: kernels.NewWorkspace(nil),
				ms: newMergedScratch(lim.Chunk, &c.Dec, selfCap, st.cross[0].cap),
			})
		}
	}
	st.crossBuf = make([]float32, max(st.cross[0].cap*c.Dec.HeadDim, 1))
	st.crossBufT = make([]float32, max(st.cross[0].cap*c.Dec.HeadDim, 1))
	return st, nil
}

// Limits reports the sizes the State was made for.
func (st *State) Limits() Limits { return st.lim }

func (st *State) trace(name string, layer int, x []float32) {
	if st.Trace != nil {
		st.Trace(name, layer, x)
	}
}
