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
	_ = quant.Dequantize(m.Embd.Type, dst, m.Embd.Row(int(id)))
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

// layer runs one text layer over n rows of st.x in place; attend fills st.att
// from st.q, st.k and st.v.
func (st *State) layer(L *Layer, c *StackConfig, in layerInput, attend func()) {
	H, n := st.cfg.Hidden, in.n
	qw, kvw := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	x, h := st.x[:n*H], st.h[:n*H]

	// attention rmsnorm
	for t := range n {
		kernels.RMSNorm(h[t*H:(t+1)*H], x[t*H:(t+1)*H], L.AttnNorm, c.Eps)
	}
	// qkv matmuls
	st.ws.MatMul(st.q, h, n, L.Q)
	st.ws.MatMul(st.k, h, n, L.K)
	st.ws.MatMul(st.v, h, n, L.V)
	// q/k norms, then RoPE
	d := c.HeadDim
	for t := range n {
		cos, sin := in.rope.at(in.posBase + t%in.posMod)
		for hd := range c.Heads {
			q := st.q[t*qw+hd*d : t*qw+(hd+1)*d]
			kernels.RMSNorm(q, q, L.QNorm, c.Eps)
			kernels.RoPE(q, cos, sin)
		}
		for g := range c.KVHeads {
			k := st.k[t*kvw+g*d : t*kvw+(g+1)*d]
			kernels.RMSNorm(k, k, L.KNorm, c.Eps)
			kernels.RoPE(k, cos, sin)
		}
	}
	attend()
	// output projection, post-attention norm, residual
	o := st.o[:n*H]
	st.ws.MatMul(o, st.att, n, L.O)
	for t := range n {
		r := o[t*H : (t+1)*H]
		kernels.RMSNorm(r, r, L.AttnPostNorm, c.Eps)
		kernels.Add(x[t*H:(t+1)*H], r)
	}
	// ffn rmsnorm, gate/up, GELU-tanh gating, down, post-ffn norm, residual
	for t := range n {
		kernels.RMSNorm(h[t*H:(t+1)*H], x[t*H:(t+1)*H], L.FFNNorm, c.Eps)
	}
	F := c.FFN
	st.ws.MatMul(st.gate, h, n, L.Gate)
	st.ws.MatMul(st.up, h, n, L.Up)
	for t := range n {
		g := st.gate[t*F : (t+1)*F]
		kernels.GeluTanhMul(g, g, st.up[t*F:(t+1)*F])
	}
	st.ws.MatMul(o, st.gate, n, L.Down)
	for t := range n {
		r := o[t*H : (t+1)*H]
		kernels.RMSNorm(r, r, L.FFNPostNorm, c.Eps)
		kernels.Add(x[t*H:(t+1)*H], r)
	}
}

func attnScale(c *StackConfig) float32 {
	return float32(1 / math.Sqrt(float64(c.QueryScalar)))
}
