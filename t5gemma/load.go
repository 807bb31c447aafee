package t5gemma

import (
	"fmt"
	"slices"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/internal/mmap"
	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
	"github.com/t5go/t5go/tokenizer"
)

// Layer holds one text layer's weights (encoder and decoder layers have the
// same shape; the decoder's attention is the merged attention). q = Heads·HeadDim,
// kv = KVHeads·HeadDim, H = hidden, F = FFN.
type Layer struct {
	AttnNorm     []float32     // [H] pre_self_attn_layernorm
	Q            tensor.Tensor // [H → q]
	K            tensor.Tensor // [H → kv]
	V            tensor.Tensor // [H → kv]
	QNorm        []float32     // [HeadDim]
	KNorm        []float32     // [HeadDim]
	O            tensor.Tensor // [q → H]
	AttnPostNorm []float32     // [H] post_self_attn_layernorm
	FFNNorm      []float32     // [H] pre_feedforward_layernorm
	Gate         tensor.Tensor // [H → F]
	Up           tensor.Tensor // [H → F]
	Down         tensor.Tensor // [F → H]
	FFNPostNorm  []float32     // [H] post_feedforward_layernorm
}

// Stack is the encoder or the decoder.
type Stack struct {
	Cfg     *StackConfig
	Layers  []Layer
	OutNorm []float32 // [H] final norm
}

// Model is a loaded T5Gemma 2 model. Weights are views into the memory-mapped
// file; it is safe for concurrent use by many States.
type Model struct {
	Config    *Config
	Embd      tensor.Tensor // [V × H] token embedding, also the LM head
	EOI       []float32     // [H] replaces <end_of_image> rows, unscaled
	Enc, Dec  Stack
	Vision    *VisionWeights       // nil without a vision tower
	Tokenizer *tokenizer.Tokenizer // nil when the file carries none

	file *gguf.File
}

// Load memory-maps a t5go GGUF file and binds its weights.
func Load(path string) (*Model, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	m, err := FromGGUF(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.file = f
	return m, nil
}

// Close releases the file mapping. The model must not be used afterwards.
func (m *Model) Close() error {
	if m.file == nil {
		return nil
	}
	err := m.file.Close()
	m.file = nil
	return err
}

// FromGGUF binds the weights of an opened file. Every tensor of the explicit
// list must be present with its exact shape, and no other tensor may be.
func FromGGUF(f *gguf.File) (*Model, error) {
	cfg, err := ReadConfig(f)
	if err != nil {
		return nil, err
	}
	b := binder{f: f, seen: map[string]bool{}}
	m := &Model{Config: cfg}
	specs := tensorSpecs(cfg)
	byName := map[string]tensorSpec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	b.specs = byName
	m.Embd = b.matrix(nameTokenEmbd)
	m.EOI = b.vector(nameTokenEmbdEOI)
	m.Enc = b.stack(encPrefix, &cfg.Enc)
	m.Dec = b.stack(decPrefix, &cfg.Dec)
	if cfg.Vision != nil {
		m.Vision = b.vision(cfg.Vision)
	}
	if b.err != nil {
		return nil, b.err
	}
	for _, ti := range f.Tensors() {
		if !b.seen[ti.Name] {
			return nil, fmt.Errorf("gguf: unexpected tensor %q", ti.Name)
		}
	}
	if f.Has("tokenizer.ggml.tokens") {
		if m.Tokenizer, err = tokenizer.FromGGUF(f); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// binder fetches tensors by name, checks them against the spec list and keeps
// the first error.
type binder struct {
	f     *gguf.File
	specs map[string]tensorSpec
	seen  map[string]bool
	err   error
}

func (b *binder) get(name string) (tensor.Tensor, bool) {
	if b.err != nil {
		return tensor.Tensor{}, false
	}
	spec, ok := b.specs[name]
	if !ok {
		b.err = fmt.Errorf("t5gemma: internal: no spec for %q", name)
		return tensor.Tensor{}, false
	}
	t, err := b.f.Tensor(name)
	if err != nil {
		b.err = err
		return t, false
	}
	if !slices.Equal(t.Shape, spec.Shape) {
		b.err = fmt.Errorf("gguf: tensor %q: shape %v want %v", name, t.Shape, spec.Shape)
		return t, false
	}
	b.seen[name] = true
	return t, true
}

// matrix returns a zero-copy view of a weight matrix, or for interleaved
// rows on the generic kernels (no SIMD panel kernels) a copy in plain rows,
// made once here: the generic panel kernel is slower than the plain one.
func (b *binder) matrix(name string) tensor.Tensor {
	t, ok := b.get(name)
	if ok && !matrixType(t.Type) {
		b.err = fmt.Errorf("gguf: tensor %q: type %v is not supported for weights", name, t.Type)
	}
	if ok && t.Type.Interleaved() && !kernels.Panels() {
		plain := make([]byte, len(t.Data))
		quant.Deinterleave(t.Type, plain, t.Data, t.Rows(), t.Shape[0])
		mmap.Release(t.Data) // the copy replaces the mapped pages
		t.Type, t.Data = t.Type.Base(), plain
	}
	return t
}

func matrixType(t tensor.Type) bool {
	switch t {
	case tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32:
		return true
	}
	return false
}

// vector returns a float32 copy of a small tensor (norms, biases).
func (b *binder) vector(name string) []float32 {
	t, ok := b.get(name)
	if !ok {
		return nil
	}
	out := make([]float32, t.Elements())
	if err := quant.Dequantize(t.Type, out, t.Data); err != nil {
		b.err = fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	return out
}

func (b *binder) stack(prefix string, c *StackConfig) Stack {
	s := Stack{Cfg: c, Layers: make([]Layer, c.Layers)}
	for l := range s.Layers {
		n := func(t string) string { return blkName(prefix, l, t) }
		s.Layers[l] = Layer{
			AttnNorm:     b.vector(n(tAttnNorm)),
			Q:            b.matrix(n(tAttnQ)),
			K:            b.matrix(n(tAttnK)),
			V:            b.matrix(n(tAttnV)),
			QNorm:        b.vector(n(tAttnQNorm)),
			KNorm:        b.vector(n(tAttnKNorm)),
			O:            b.matrix(n(tAttnO)),
			AttnPostNorm: b.vector(n(tAttnPostNorm)),
			FFNNorm:      b.vector(n(tFFNNorm)),
			Gate:         b.matrix(n(tFFNGate)),
			Up:           b.matrix(n(tFFNUp)),
			Down:         b.matrix(n(tFFNDown)),
			FFNPostNorm:  b.vector(n(tFFNPostNorm)),
		}
	}
	s.OutNorm = b.vector(outputNormName(prefix))
	return s
}
