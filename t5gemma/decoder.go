package t5gemma

import (
	"fmt"
	"math"

	"github.com/t5go/t5go/kernels"
)

// Decode feeds n new decoder tokens to every row (tokens is [rows × n], the
// rows of the last Encode) at the next positions. It returns logits: for every
// fed position when all is true ([rows × n × vocab]), otherwise for the last
// fed position of each row ([rows × vocab]). The slice is reused by the next
// call.
func (st *State) Decode(tokens []int32, n int, all bool) ([]float32, error) {
	c, H := st.cfg, st.cfg.Hidden
	B := st.b
	switch {
	case B == 0:
		return nil, fmt.Errorf("t5gemma: Decode before Encode")
	case n <= 0 || len(tokens) != B*n:
		return nil, fmt.Errorf("t5gemma: %d decoder tokens for %d rows of %d", len(tokens), B, n)
	case n > st.lim.Chunk:
		return nil, fmt.Errorf("t5gemma: %d decoder tokens in one call exceed the state's chunk of %d", n, st.lim.Chunk)
	case st.pos+n > st.lim.DecLen:
		return nil, fmt.Errorf("t5gemma: decoder position %d exceeds the state's limit of %d tokens", st.pos+n, st.lim.DecLen)
	}
	for i, id := range tokens {
		if id < 0 || int(id) >= c.Vocab {
			return nil, fmt.Errorf("t5gemma: decoder token id %d at %d outside the vocabulary [0,%d)", id, i, c.Vocab)
		}
	}
	rows := B * n
	for t, id := range tokens {
		st.embed(st.x[t*H:(t+1)*H], id)
	}
	st.trace("decoder_embeds", -1, st.x[:rows*H])

	dec := &st.m.Dec
	for l := range dec.Layers {
		sliding := c.Dec.Sliding[l]
		in := layerInput{n: rows, posBase: st.pos, posMod: n, rope: st.decRope.table(sliding)}
		st.attnDec = decAttnTask{st: st, c: &c.Dec, layer: l, sliding: sliding, n: n}
		st.layer(&dec.Layers[l], &c.Dec, in, st.decStoreKV, st.decAttend)
		st.trace("decoder_layer_outputs", l, st.x[:rows*H])
	}
	for t := range rows {
		kernels.RMSNorm(st.last[t*H:(t+1)*H], st.x[t*H:(t+1)*H], dec.OutNorm, c.Dec.Eps)
	}
	st.trace("decoder_last_hidden_state", -1, st.last[:rows*H])
	st.pos += n

	// LM head over the tied embedding
	src, m := st.last, rows
	if !all && n > 1 {
		for b := range B {
			copy(st.o[b*H:(b+1)*H], st.last[((b+1)*n-1)*H:(b+1)*n*H])
		}
		src, m = st.o, B
	}
	if len(st.logits) < m*c.Vocab {
		st.logits = make([]float32, m*c.Vocab)
	}
	logits := st.logits[:m*c.Vocab]
	st.ws.MatMul(logits, src, m, st.m.Embd)
	if cap := c.FinalSoftcap; cap > 0 {
		for i, v := range logits {
			logits[i] = float32(math.Tanh(float64(v/cap))) * cap
		}
	}
	return logits, nil
}

// Pos is the number of decoder tokens fed since the last Encode.
func (st *State) Pos() int { return st.pos }

// decAttnTask is the merged attention: one softmax over the row's own cached
// keys (causal, windowed on sliding layers) and the encoder keys. Items are
// (query row, KV head) pairs; the query heads of a KV head go together.
type decAttnTask struct {
	st      *State
	c       *StackConfig
	layer   int
	sliding bool
	n       int // tokens per row in this call
	lo      int // first query row of this chunk
}

// decStoreKV puts this call's keys and values into the layer's ring.
func (st *State) decStoreKV() {
	t := &st.attnDec
	kvw := t.c.KVHeads * t.c.HeadDim
	sc := &st.self[t.layer]
	for b := range st.b {
		for i := range t.n {
			p := (st.pos + i) % sc.cap
			src := (b*t.n + i) * kvw
			dst := (b*sc.cap + p) * kvw
			copy(sc.k[dst:dst+kvw], st.k[src:src+kvw])
			copy(sc.v[dst:dst+kvw], st.v[src:src+kvw])
		}
	}
}

func (st *State) decAttend(lo, hi int) {
	t := &st.attnDec
	t.lo = lo
	st.ws.Pool.Run((hi-lo)*t.c.KVHeads, 2, t)
}

func (t *decAttnTask) Run(lo, hi int) {
	st, c := t.st, t.c
	d := c.HeadDim
	qw, kvw := c.Heads*d, c.KVHeads*d
	group := c.Heads / c.KVHeads
	scale := attnScale(c)
	sc, cr := &st.self[t.layer], &st.cross[t.layer]
	var parts [2]kernels.KV
	for it := lo; it < hi; it++ {
		g := it % c.KVHeads
		local := it / c.KVHeads // row within the chunk
		row := t.lo + local     // b·n + i
		b, i := row/t.n, row%t.n
		p := st.pos + i
		a, z := 0, p+1
		if t.sliding {
			a, z = decoderWindow(p, c.Window)
			a = max(a, 0)
		}
		selfBase := b*sc.cap*kvw + g*d
		parts[0] = kernels.KV{K: sc.k[selfBase:], V: sc.v[selfBase:], Stride: kvw, Spans: ringSpans(st.selfSpans[it][:0], a, z, sc.cap)}
		crossBase := b*cr.cap*kvw + g*d
		parts[1] = kernels.KV{K: cr.k[crossBase:], V: cr.v[crossBase:], Stride: kvw, Spans: st.encSpans[b]}
		q0, q1 := local*qw+g*group*d, local*qw+(g+1)*group*d
		kernels.AttendBlock(st.att[q0:q1], st.q[q0:q1], group, scale, parts[:])
	}
}

// ringSpans maps positions [a, z) of a ring of size n (z-a <= n) to at most
// two index spans.
func ringSpans(dst []kernels.Span, a, z, n int) []kernels.Span {
	if a >= z {
		return dst
	}
	s := a % n
	e := s + (z - a)
	if e <= n {
		return append(dst, kernels.Span{Lo: s, Hi: e})
	}
	return append(dst, kernels.Span{Lo: s, Hi: n}, kernels.Span{Lo: 0, Hi: e - n})
}

// Rewind restarts the decoder at position 0, keeping the encoder output and
// the cross keys/values: one encoded input can answer several questions.
func (st *State) Rewind() { st.pos = 0 }
