package t5gemma

import (
	"fmt"
	"math"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/tensor"
)

// VisionState holds the activations of the SigLIP tower for one image at a
// time. Like State, it is sized once and not safe for concurrent use.
type VisionState struct {
	m  *Model
	ws *kernels.Workspace

	// Trace, if set, sees "vision_embeddings", "vision_hidden_states" (after
	// each layer), "vision_last_hidden_state", "mm_pooled", "mm_normed" and
	// "image_features".
	Trace func(name string, layer int, x []float32)

	patches        []float32 // [P × 3·p·p]
	x, h, o        []float32 // [P × C]
	q, k, v, att   []float32 // [P × C]
	up             []float32 // [P × F]
	pooled, normed []float32 // [M × C]
	attn           kernels.DenseAttn
}

// NewVisionState allocates the tower's activations.
func (m *Model) NewVisionState(pool *kernels.Pool) (*VisionState, error) {
	vc := m.Config.Vision
	if vc == nil {
		return nil, fmt.Errorf("t5gemma: this model has no vision tower")
	}
	side := vc.ImageSize / vc.PatchSize
	P, C := side*side, vc.Hidden
	M := m.Config.MMTokensPerImage
	return &VisionState{
		m: m, ws: kernels.NewWorkspace(pool),
		patches: make([]float32, P*3*vc.PatchSize*vc.PatchSize),
		x:       make([]float32, P*C), h: make([]float32, P*C), o: make([]float32, P*C),
		q: make([]float32, P*C), k: make([]float32, P*C), v: make([]float32, P*C), att: make([]float32, P*C),
		up:     make([]float32, P*vc.FFN),
		pooled: make([]float32, M*C), normed: make([]float32, M*C),
	}, nil
}

func (vs *VisionState) trace(name string, layer int, x []float32) {
	if vs.Trace != nil {
		vs.Trace(name, layer, x)
	}
}

// Features turns preprocessed pixels ([3 × size × size], channels first) into
// the image's soft tokens, written to dst ([MMTokensPerImage × hidden]).
func (vs *VisionState) Features(dst, pixels []float32) error {
	c := vs.m.Config
	vc, w := c.Vision, vs.m.Vision
	S, p := vc.ImageSize, vc.PatchSize
	side := S / p
	P, C, M := side*side, vc.Hidden, c.MMTokensPerImage
	if len(pixels) != 3*S*S {
		return fmt.Errorf("t5gemma: %d pixel values, want 3×%d×%d", len(pixels), S, S)
	}
	if len(dst) != M*c.Hidden {
		return fmt.Errorf("t5gemma: image features buffer of %d, want %d", len(dst), M*c.Hidden)
	}
	// patch embedding: the Conv2d as a matrix product over (channel, y, x) patches
	pp := 3 * p * p
	for py := range side {
		for px := range side {
			row := vs.patches[(py*side+px)*pp:]
			for ch := range 3 {
				for y := range p {
					src := pixels[ch*S*S+(py*p+y)*S+px*p:]
					copy(row[(ch*p+y)*p:(ch*p+y+1)*p], src[:p])
				}
			}
		}
	}
	x := vs.x[:P*C]
	vs.ws.MatMul(x, vs.patches, P, w.PatchW)
	for t := range P {
		r := x[t*C : (t+1)*C]
		kernels.Add(r, w.PatchB)
		kernels.Add(r, w.Pos[t*C:(t+1)*C])
	}
	vs.trace("vision_embeddings", -1, x)

	for l := range w.Layers {
		vs.layer(&w.Layers[l], P)
		vs.trace("vision_hidden_states", l, x)
	}
	for t := range P {
		r := x[t*C : (t+1)*C]
		kernels.LayerNorm(r, r, w.PostLNW, w.PostLNB, vc.Eps)
	}
	vs.trace("vision_last_hidden_state", -1, x)

	// average pooling of the patch grid to M tokens, row-major
	per := int(math.Round(math.Sqrt(float64(M))))
	k := side / per
	inv := 1 / float32(k*k)
	clear(vs.pooled)
	for ty := range per {
		for tx := range per {
			out := vs.pooled[(ty*per+tx)*C : (ty*per+tx+1)*C]
			for y := ty * k; y < (ty+1)*k; y++ {
				for xx := tx * k; xx < (tx+1)*k; xx++ {
					kernels.Add(out, x[(y*side+xx)*C:(y*side+xx+1)*C])
				}
			}
			for i := range out {
				out[i] *= inv
			}
		}
	}
	vs.trace("mm_pooled", -1, vs.pooled)
	for t := range M {
		kernels.RMSNorm(vs.normed[t*C:(t+1)*C], vs.pooled[t*C:(t+1)*C], w.SoftNorm, vc.Eps)
	}
	vs.trace("mm_normed", -1, vs.normed)
	vs.ws.MatMul(dst, vs.normed, M, w.InputProj)
	vs.trace("image_features", -1, dst)
	return nil
}

// layer is one pre-LayerNorm ViT layer with biases.
func (vs *VisionState) layer(L *VisionLayer, P int) {
	vc := vs.m.Config.Vision
	C := vc.Hidden
	x, h, o := vs.x[:P*C], vs.h[:P*C], vs.o[:P*C]
	// layer_norm1, q/k/v projections
	for t := range P {
		kernels.LayerNorm(h[t*C:(t+1)*C], x[t*C:(t+1)*C], L.LN1W, L.LN1B, vc.Eps)
	}
	vs.linear(vs.q, h, P, L.Q, L.QB, C)
	vs.linear(vs.k, h, P, L.K, L.KB, C)
	vs.linear(vs.v, h, P, L.V, L.VB, C)
	// full bidirectional attention, one head at a time
	vs.attend(P)
	// out_proj, residual
	vs.linear(o, vs.att, P, L.Out, L.OutB, C)
	kernels.Add(x, o)
	// layer_norm2, fc1, GELU-tanh, fc2, residual
	for t := range P {
		kernels.LayerNorm(h[t*C:(t+1)*C], x[t*C:(t+1)*C], L.LN2W, L.LN2B, vc.Eps)
	}
	up := vs.up[:P*vc.FFN]
	vs.linear(up, h, P, L.Up, L.UpB, vc.FFN)
	kernels.GeluTanh(up, up)
	vs.linear(o, up, P, L.Down, L.DownB, C)
	kernels.Add(x, o)
}

// linear is y = x·Wᵀ + b over n rows of width out.
func (vs *VisionState) linear(y, x []float32, n int, w tensor.Tensor, b []float32, out int) {
	vs.ws.MatMul(y, x, n, w)
	for t := range n {
		kernels.Add(y[t*out:(t+1)*out], b)
	}
}

// attend is full bidirectional attention of every head: exact softmax
// over all P patches as two matrix products per head and block of queries.
func (vs *VisionState) attend(P int) {
	vc := vs.m.Config.Vision
	C, heads := vc.Hidden, vc.Heads
	d := C / heads
	scale := float32(1 / math.Sqrt(float64(d)))
	vs.attn.Attend(vs.ws.Pool, vs.att[:P*C], vs.q[:P*C], vs.k[:P*C], vs.v[:P*C], P, C, heads, d, scale)
}
