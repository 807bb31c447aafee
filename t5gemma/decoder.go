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
		st.attnDec = decAttnTask{c: &c.Dec, layer: l, sliding: sliding, n: n}
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

// decAttnTask says which layer the decoder's merged attention is running.
type decAttnTask struct {
	c       *StackConfig
	layer   int
	sliding bool
	n       int // tokens per row in this call
}

// decStoreKV puts this call's keys and values into the layer's ring.
func (st *State) decStoreKV() {
	t := &st.attnDec
	c, d := t.c, t.c.HeadDim
	kvw := c.KVHeads * d
	sc := &st.self[t.layer]
	sc.grow(st.pos + t.n)
	for b := range st.b {
		for i := range t.n {
			src := (b*t.n + i) * kvw
			for g := range c.KVHeads {
				sc.put(b, g, (st.pos+i)%sc.cap, st.k[src+g*d:src+(g+1)*d], st.v[src+g*d:src+(g+1)*d])
			}
		}
	}
}

// Rewind restarts the decoder at position 0, keeping the encoder output and
// the cross keys/values: one encoded input can answer several questions.
func (st *State) Rewind() { st.restart() }

// restart sets the decoder back to position 0.
func (st *State) restart() {
	st.pos = 0
	for l := range st.self {
		st.self[l].restart()
	}
}
