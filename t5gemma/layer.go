package t5gemma

import (
	"math"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/quant"
)

// The numeric rules of the model live here: RMSNorm is x·rsqrt(mean(x²)+eps)·(1+w)
// in float32 (kernels.RMSNorm), embeddings are scaled by sqrt(hidden) and the
// <end_of_image> row is replaced by its own unscaled vector, the MLP is
// down(gelu_tanh(gate(x))·up(x)), attention scores are scaled by
// query_pre_attn_scalar^-1/2.

// embed writes the scaled embedding of id into dst.
func (st *State) embed(dst []float32, id int32) {
	m := st.m
	if id == st.cfg.EOI {
		copy(dst, m.EOI)
		return
	}
	// Quantized rows dequantize exactly as the LM head reads them.
	_ = quant.DequantizeRow(m.Embd, dst, int(id))
	scale := st.cfg.EmbedScale()
	for i := range dst {
		dst[i] *= scale
	}
}

// layerInput carries what differs between encoder and decoder layers.
type layerInput struct {
	n       int        // token rows in st.x
	posBase int        // position of row t is posBase + t%posMod
	posMod  int        //
	rope    *ropeTable //
}

// chunkRows is how many token rows go through the query side of a layer at a
// time: activations other than the residual stream and the keys/values are
// sized by it, so memory grows with the input only through those.
var chunkRows = 256 // a variable so tests can force several chunks

// layer runs one text layer over n rows of st.x in place. First the keys and
// values of every row (kvDone then sees them all; with a single chunk the
// queries too), then, a chunk of rows at a time, the queries, attend (which fills st.att for rows [lo, hi), stored
// from st.att[0]), the output projection and the MLP.
func (st *State) layer(L *Layer, c *StackConfig, in layerInput, kvDone func(), attend func(lo, hi int)) {
	H, n, d := st.cfg.Hidden, in.n, c.HeadDim
	qw, kvw := c.Heads*d, c.KVHeads*d
	x := st.x[:n*H]
	pos := func(t int) int { return in.posBase + t%in.posMod }

	// With one chunk (decoding), the queries come from the same normed rows
	// as the keys and values: one product call for q, k and v.
	oneChunk := n <= chunkRows
	// keys and values of all rows: attention rmsnorm, k/v matmuls, k norm, RoPE
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(n, lo+chunkRows)
		h := st.h[:(hi-lo)*H]
		for t := lo; t < hi; t++ {
			kernels.RMSNorm(h[(t-lo)*H:(t-lo+1)*H], x[t*H:(t+1)*H], L.AttnNorm, c.Eps)
		}
		k, v := kernels.Product{Y: st.k[lo*kvw : hi*kvw], X: h, W: L.K}, kernels.Product{Y: st.v[lo*kvw : hi*kvw], X: h, W: L.V}
		if oneChunk {
			st.ws.MatMuls(n, kernels.Product{Y: st.q, X: h, W: L.Q}, k, v)
		} else {
			st.ws.MatMuls(hi-lo, k, v)
		}
		for t := lo; t < hi; t++ {
			cos, sin := in.rope.at(pos(t))
			for g := range c.KVHeads {
				k := st.k[t*kvw+g*d : t*kvw+(g+1)*d]
				kernels.RMSNorm(k, k, L.KNorm, c.Eps)
				kernels.RoPE(k, cos, sin)
			}
		}
	}
	if kvDone != nil {
		kvDone()
	}
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(n, lo+chunkRows)
		m := hi - lo
		xc, h, o := x[lo*H:hi*H], st.h[:m*H], st.o[:m*H]
		// attention rmsnorm, q matmul, q norm, RoPE
		if !oneChunk {
			for t := range m {
				kernels.RMSNorm(h[t*H:(t+1)*H], xc[t*H:(t+1)*H], L.AttnNorm, c.Eps)
			}
			st.ws.MatMul(st.q, h, m, L.Q)
		}
		for t := range m {
			cos, sin := in.rope.at(pos(lo + t))
			for hd := range c.Heads {
				q := st.q[t*qw+hd*d : t*qw+(hd+1)*d]
				kernels.RMSNorm(q, q, L.QNorm, c.Eps)
				kernels.RoPE(q, cos, sin)
			}
		}
		attend(lo, hi)
		// output projection, post-attention norm, residual
		st.ws.MatMul(o, st.att, m, L.O)
		for t := range m {
			r := o[t*H : (t+1)*H]
			kernels.RMSNorm(r, r, L.AttnPostNorm, c.Eps)
			kernels.Add(xc[t*H:(t+1)*H], r)
		}
		// ffn rmsnorm, gate/up, GELU-tanh gating, down, post-ffn norm, residual
		for t := range m {
			kernels.RMSNorm(h[t*H:(t+1)*H], xc[t*H:(t+1)*H], L.FFNNorm, c.Eps)
		}
		F := c.FFN
		st.ws.MatMuls(m, kernels.Product{Y: st.gate, X: h, W: L.Gate}, kernels.Product{Y: st.up, X: h, W: L.Up})
		for t := range m {
			g := st.gate[t*F : (t+1)*F]
			kernels.GeluTanhMul(g, g, st.up[t*F:(t+1)*F])
		}
		st.ws.MatMul(o, st.gate, m, L.Down)
		for t := range m {
			r := o[t*H : (t+1)*H]
			kernels.RMSNorm(r, r, L.FFNPostNorm, c.Eps)
			kernels.Add(xc[t*H:(t+1)*H], r)
		}
	}
}

func attnScale(c *StackConfig) float32 {
	return float32(1 / math.Sqrt(float64(c.QueryScalar)))
}
