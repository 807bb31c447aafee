package t5gemma

import (
	"context"
	"fmt"

	"github.com/t5go/t5go/kernels"
)

// EncoderInput is a batch of encoder sequences padded to one length.
type EncoderInput struct {
	B, S int
	IDs  []int32 // [B × S]
	Mask []int32 // [B × S], 1 = real token, 0 = padding; nil = all real
	// Images are the projected soft tokens of each image ([MMTokensPerImage × H]
	// each), written in order over the image-token rows of IDs.
	Images [][]float32
}

// Encode runs the encoder over in, then computes the decoder's cross keys and
// values of every layer once for the request, and resets the decoder.
func (st *State) Encode(in EncoderInput) error { return st.EncodeContext(context.Background(), in) }

// EncodeContext is Encode that stops between layers once ctx is done (a long
// input should not outlive its request) and returns ctx's error.
func (st *State) EncodeContext(ctx context.Context, in EncoderInput) error {
	if err := st.checkEncoderInput(in); err != nil {
		return err
	}
	c, H := st.cfg, st.cfg.Hidden
	B, S := in.B, in.S
	n := B * S
	st.b, st.s = B, S
	for i := range n {
		st.encMask[i] = 1
		if in.Mask != nil {
			st.encMask[i] = in.Mask[i]
		}
	}
	for b := range B {
		st.encSpans[b] = validSpans(st.encSpans[b], st.encMask[b*S:(b+1)*S])
	}

	// embeddings, with image soft tokens over the image-token rows
	img, row := 0, 0
	for t, id := range in.IDs {
		x := st.x[t*H : (t+1)*H]
		if id == c.ImageToken && len(in.Images) > 0 {
			copy(x, in.Images[img][row*H:(row+1)*H])
			if row++; row == c.MMTokensPerImage {
				img, row = img+1, 0
			}
			continue
		}
		st.embed(x, id)
	}
	st.trace("encoder_embeds", -1, st.x[:n*H])

	enc := &st.m.Enc
	for l := range enc.Layers {
		if err := ctx.Err(); err != nil {
			st.b = 0 // no half-encoded input for Decode
			return err
		}
		sliding := c.Enc.Sliding[l]
		in := layerInput{n: n, posBase: 0, posMod: S, rope: st.encRope.table(sliding)}
		st.attnEnc = encAttnTask{c: &c.Enc, sliding: sliding}
		st.layer(&enc.Layers[l], &c.Enc, in, st.encTransposeV, st.encAttend)
		st.trace("encoder_layer_outputs", l, st.x[:n*H])
	}
	for t := range n {
		kernels.RMSNorm(st.encOut[t*H:(t+1)*H], st.x[t*H:(t+1)*H], enc.OutNorm, c.Enc.Eps)
	}
	st.trace("encoder_last_hidden_state", -1, st.encOut[:n*H])
	st.buildCross()
	st.restart()
	return nil
}

func (st *State) checkEncoderInput(in EncoderInput) error {
	c := st.cfg
	switch {
	case in.B <= 0 || in.S <= 0:
		return fmt.Errorf("t5gemma: empty encoder input (%d×%d)", in.B, in.S)
	case in.B > st.lim.Batch:
		return fmt.Errorf("t5gemma: batch of %d exceeds the state's %d", in.B, st.lim.Batch)
	case in.S > st.lim.EncLen:
		return fmt.Errorf("t5gemma: %d encoder tokens exceed the state's limit of %d", in.S, st.lim.EncLen)
	case len(in.IDs) != in.B*in.S:
		return fmt.Errorf("t5gemma: %d encoder ids for %d×%d", len(in.IDs), in.B, in.S)
	case in.Mask != nil && len(in.Mask) != len(in.IDs):
		return fmt.Errorf("t5gemma: %d mask values for %d ids", len(in.Mask), len(in.IDs))
	}
	images := 0
	for t, id := range in.IDs {
		if id < 0 || int(id) >= c.Vocab {
			return fmt.Errorf("t5gemma: token id %d at %d outside the vocabulary [0,%d)", id, t, c.Vocab)
		}
		if id == c.ImageToken {
			images++
		}
		if in.Mask != nil && in.Mask[t] != 0 && in.Mask[t] != 1 {
			return fmt.Errorf("t5gemma: mask value %d at %d (want 0 or 1)", in.Mask[t], t)
		}
	}
	if len(in.Images) > 0 {
		if images != len(in.Images)*c.MMTokensPerImage {
			return fmt.Errorf("t5gemma: %d image tokens for %d images of %d tokens", images, len(in.Images), c.MMTokensPerImage)
		}
		for i, im := range in.Images {
			if len(im) != c.MMTokensPerImage*c.Hidden {
				return fmt.Errorf("t5gemma: image %d has %d features, want %d", i, len(im), c.MMTokensPerImage*c.Hidden)
			}
		}
	}
	return nil
}

// buildCross computes k_norm(k_proj(enc)) and v_proj(enc) of every decoder
// layer: merged attention reuses the layer's own k/v projections and k-norm
// on the encoder output, without RoPE.
func (st *State) buildCross() {
	c := &st.cfg.Dec
	n, kvw, d := st.b*st.s, c.KVHeads*c.HeadDim, c.HeadDim
	for l := range st.m.Dec.Layers {
		L := &st.m.Dec.Layers[l]
		cr := &st.cross[l]
		cr.used = crossSlots(cr.typ, st.s)
		k, v := st.k[:n*kvw], st.v[:n*kvw]
		st.ws.MatMul(k, st.encOut, n, L.K)
		st.ws.MatMul(v, st.encOut, n, L.V)
		for t := range n {
			for g := range c.KVHeads {
				kh := k[t*kvw+g*d : t*kvw+(g+1)*d]
				kernels.RMSNorm(kh, kh, L.KNorm, c.Eps)
			}
		}
		for b := range st.b {
			for g := range c.KVHeads {
				keys, vt := st.crossBuf[:cr.used*d], st.crossBufT[:cr.used*d]
				clear(keys)
				clear(vt)
				for j := range st.s {
					t := (b*st.s+j)*kvw + g*d
					copy(keys[j*d:(j+1)*d], k[t:t+d])
				}
				transpose(vt, cr.used, v[b*st.s*kvw+g*d:], kvw, st.s, d)
				cr.set(b, g, keys, vt)
			}
		}
	}
	st.crossBuilds++
}

// encAttnTask says which layer the encoder's attention is running.
type encAttnTask struct {
	c       *StackConfig
	sliding bool
}

// encAttend is bidirectional attention for the chunk's query rows [lo, hi):
// per sequence and KV head, blocks of query rows with the query heads that
// share the KV head go through blocked attention over the keys they may see
// (the row's window on sliding layers, and never padding).
func (st *State) encAttend(lo, hi int) {
	c := st.attnEnc.c
	sliding := st.attnEnc.sliding
	S, d := st.s, c.HeadDim
	G := c.Heads / c.KVHeads
	qw, kvw := c.Heads*d, c.KVHeads*d
	a := &st.tiled
	a.ws, a.rowsPerQuery = st.ws, G
	for r0 := lo; r0 < hi; {
		b := r0 / S
		r1 := min(hi, (b+1)*S) // rows of one sequence
		block := r1 - r0
		if sliding {
			block = slidingRows
		}
		for q0 := r0; q0 < r1; q0 += block {
			q1 := min(r1, q0+block)
			i0, n := q0-b*S, q1-q0
			spans := st.encSpans[b]
			a.window = nil
			if sliding {
				first, _ := encoderWindow(i0, c.Window)
				_, last := encoderWindow(i0+n-1, c.Window)
				spans = clipSpans(st.spanBuf[:0], spans, first, last)
				a.window = func(r int) (int, int) { return encoderWindow(i0+r, c.Window) }
			}
			for g := range c.KVHeads {
				a.qb, a.ob = grow(a.qb, n*G*d), grow(a.ob, n*G*d)
				for r := range n {
					src := (q0-lo+r)*qw + g*G*d
					copy(a.qb[r*G*d:(r+1)*G*d], st.q[src:src+G*d])
				}
				vt := st.vT[(b*c.KVHeads+g)*d*S:]
				a.attend(a.ob, a.qb, n*G, d, attnScale(c), st.k[b*S*kvw+g*d:], kvw, vt, S, spans)
				for r := range n {
					dst := (q0-lo+r)*qw + g*G*d
					copy(st.att[dst:dst+G*d], a.ob[r*G*d:(r+1)*G*d])
				}
			}
		}
		r0 = r1
	}
}

// encTransposeV lays the layer's values out per sequence and KV head as
// [HeadDim × S], so blocked attention reads value tiles as rows.
func (st *State) encTransposeV() {
	c := st.attnEnc.c
	S, d, kvw := st.s, c.HeadDim, c.KVHeads*c.HeadDim
	for b := range st.b {
		for g := range c.KVHeads {
			transpose(st.vT[(b*c.KVHeads+g)*d*S:], S, st.v[b*S*kvw+g*d:], kvw, S, d)
		}
	}
}

// EncoderOutput is the last Encode's final hidden states, [rows × S × H]
// (padded positions included). It is reused by the next Encode.
func (st *State) EncoderOutput() []float32 { return st.encOut[:st.b*st.s*st.cfg.Hidden] }

// transpose writes dst[i*dstStride+j] = src[j*srcStride+i] for j < n rows
// of src and i < d columns. It goes 16 rows at a time: writing one column
// element per row straight through would touch d lines a power-of-two
// stride apart, which share a few L1 sets and evict each other.
func transpose(dst []float32, dstStride int, src []float32, srcStride, n, d int) {
	const block = 16
	for j0 := 0; j0 < n; j0 += block {
		j1 := min(n, j0+block)
		for i := range d {
			out := dst[i*dstStride+j0 : i*dstStride+j1]
			for j := range out {
				out[j] = src[(j0+j)*srcStride+i]
			}
		}
	}
}
