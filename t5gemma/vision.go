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
	rowsT          rowsTask
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
	vs := &VisionState{
		m: m, ws: kernels.NewWorkspace(pool),
		patches: make([]float32, P*3*vc.PatchSize*vc.PatchSize),
		x:       make([]float32, P*C), h: make([]float32, P*C), o: make([]float32, P*C),
		q: make([]float32, P*C), k: make([]float32, P*C), v: make([]float32, P*C), att: make([]float32, P*C),
		up:     make([]float32, P*vc.FFN),
		pooled: make([]float32, M*C), normed: make([]float32, M*C),
	}
	if len(m.Vision.Layers) > 0 && bf16Budget(m.Vision.Layers[0].Q.Type) {
		vs.ws.AllowBF16, vs.attn.BF16 = true, true
	}
	return vs, nil
}

// bf16Budget reports whether weights of type t leave room to round the
// operands of large products to bfloat16 (8 significant bits) on AMX: true
// for quantized and bfloat16 weights. f16 keeps float32 products, which
// its 1e-2 agreement with transformers needs; f32 keeps them too.
func bf16Budget(t tensor.Type) bool {
	switch t {
	case tensor.Q8_0, tensor.Q4_0, tensor.BF16:
		return true
	}
	return false
}

// BF16 reports whether the tower's large products round their operands to
// bfloat16 on AMX tiles (a quantized or bf16 tower on a CPU with AMX).
func (vs *VisionState) BF16() bool { return vs.ws.AllowBF16 && kernels.HasBF16() }

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

// layer is one pre-LayerNorm ViT layer with biases. The per-patch steps
// run over the pool like the matrix products (rowsTask).
func (vs *VisionState) layer(L *VisionLayer, P int) {
	vc := vs.m.Config.Vision
	C, F := vc.Hidden, vc.FFN
	h, o, up := vs.h[:P*C], vs.o[:P*C], vs.up[:P*F]
	// layer_norm1, q/k/v projections (+ biases)
	vs.rows(rowsLN1, L, P)
	vs.ws.MatMul(vs.q, h, P, L.Q)
	vs.ws.MatMul(vs.k, h, P, L.K)
	vs.ws.MatMul(vs.v, h, P, L.V)
	vs.rows(rowsQKVBias, L, P)
	// full bidirectional attention
	vs.attend(P)
	// out_proj (+ bias), residual, layer_norm2
	vs.ws.MatMul(o, vs.att, P, L.Out)
	vs.rows(rowsOutLN2, L, P)
	// fc1 (+ bias), GELU-tanh, fc2 (+ bias), residual
	vs.ws.MatMul(up, h, P, L.Up)
	vs.rows(rowsUpGelu, L, P)
	vs.ws.MatMul(o, up, P, L.Down)
	vs.rows(rowsDownResidual, L, P)
}

// The per-patch steps of a layer, one row at a time.
const (
	rowsLN1          = iota // h = layer_norm1(x)
	rowsQKVBias             // q, k, v += their biases
	rowsOutLN2              // o += out bias; x += o; h = layer_norm2(x)
	rowsUpGelu              // up = gelu_tanh(up + fc1 bias)
	rowsDownResidual        // o += fc2 bias; x += o
)

// rowsTask runs one per-patch step over a range of patches.
type rowsTask struct {
	vs *VisionState
	L  *VisionLayer
	op int
}

func (vs *VisionState) rows(op int, L *VisionLayer, P int) {
	vs.rowsT = rowsTask{vs: vs, L: L, op: op}
	vs.ws.Pool.Run(P, 64, &vs.rowsT)
	vs.rowsT = rowsTask{}
}

func (t *rowsTask) Run(lo, hi int) {
	vs, L := t.vs, t.L
	vc := vs.m.Config.Vision
	C, F := vc.Hidden, vc.FFN
	for r := lo; r < hi; r++ {
		x, h, o := vs.x[r*C:(r+1)*C], vs.h[r*C:(r+1)*C], vs.o[r*C:(r+1)*C]
		switch t.op {
		case rowsLN1:
			kernels.LayerNorm(h, x, L.LN1W, L.LN1B, vc.Eps)
		case rowsQKVBias:
			kernels.Add(vs.q[r*C:(r+1)*C], L.QB)
			kernels.Add(vs.k[r*C:(r+1)*C], L.KB)
			kernels.Add(vs.v[r*C:(r+1)*C], L.VB)
		case rowsOutLN2:
			kernels.Add(o, L.OutB)
			kernels.Add(x, o)
			kernels.LayerNorm(h, x, L.LN2W, L.LN2B, vc.Eps)
		case rowsUpGelu:
			up := vs.up[r*F : (r+1)*F]
			kernels.Add(up, L.UpB)
			kernels.GeluTanh(up, up)
		case rowsDownResidual:
			kernels.Add(o, L.DownB)
			kernels.Add(x, o)
		}
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
