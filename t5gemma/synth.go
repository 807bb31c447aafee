package t5gemma

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// SynthOptions control WriteSynthetic.
type SynthOptions struct {
	Type tensor.Type // weight type, as ConvertOptions.Type
	Seed uint64
	// Meta, if set, adds metadata (e.g. an embedded tokenizer) before the
	// tensors are declared.
	Meta func(w *gguf.Writer) error
	// Progress, if set, is called after each tensor with bytes written so far
	// and the total.
	Progress func(done, total int64)
}

// WriteSynthetic streams a model of configuration c with random weights to
// out, in exactly the layout Convert writes, marked t5gemma2.synthetic = true.
// Weights have standard deviation 1/sqrt(fan_in) (triangular, not Gaussian:
// speed does not depend on the values and this is much faster to draw) and
// norms are small, so activations stay in a realistic range; the values are
// deterministic for a seed. Speed does not
// depend on the values, which is what synthetic models are for.
func WriteSynthetic(out io.Writer, c *Config, opt SynthOptions) error {
	if err := c.Validate(); err != nil {
		return err
	}
	w := gguf.NewWriter(out)
	if err := writeConfig(w, c); err != nil {
		return err
	}
	if err := w.SetKV(kSynthetic, true); err != nil {
		return err
	}
	if err := w.SetKV("general.name", fmt.Sprintf("synthetic t5gemma2 (seed %d)", opt.Seed)); err != nil {
		return err
	}
	if opt.Meta != nil {
		if err := opt.Meta(w); err != nil {
			return err
		}
	}
	specs := tensorSpecs(c)
	types := make([]tensor.Type, len(specs))
	var total int64
	for i, s := range specs {
		types[i] = storageType(s, ConvertOptions{Type: opt.Type})
		if err := w.AddTensor(s.Name, types[i], s.Shape); err != nil {
			return err
		}
		total += int64(types[i].RowBytes(s.Shape[0]) * (elements(s.Shape) / s.Shape[0]))
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7435676f))
	var done int64
	for i, s := range specs {
		k := s.Shape[0]
		rows := elements(s.Shape) / k
		std := float32(1 / math.Sqrt(float64(k)))
		switch {
		case s.Kind == kindVector:
			std = 0.1
		case s.Kind == kindEmbedding || s.Kind == kindPosTable:
			std = float32(0.5 / math.Sqrt(float64(k)))
		}
		chunk := quantChunk(1<<18, k)
		f := make([]float32, min(chunk, rows)*k)
		buf := make([]byte, types[i].RowBytes(k)*min(chunk, rows))
		for r := 0; r < rows; r += chunk {
			m := min(chunk, rows-r)
			fill(f[:m*k], std, rng)
			b := buf[:types[i].RowBytes(k)*m]
			if err := quant.QuantizeMatrix(types[i], b, f[:m*k], k); err != nil {
				return err
			}
			if err := w.Write(s.Name, b); err != nil {
				return err
			}
			done += int64(len(b))
		}
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	return w.Close()
}

// fill writes zero-mean values of standard deviation std: each is the sum
// of two 16-bit uniforms (a triangular distribution), four per random
// word, which is many times faster than NormFloat64 over a billion values.
func fill(f []float32, std float32, rng *rand.Rand) {
	scale := std * float32(math.Sqrt(6)) / 65536 // triangular on [-1,1) has variance 1/6
	for i := 0; i < len(f); i += 2 {
		u := rng.Uint64()
		f[i] = scale * (float32(u&0xffff) + float32(u>>16&0xffff) - 65535)
		if i+1 < len(f) {
			f[i+1] = scale * (float32(u>>32&0xffff) + float32(u>>48) - 65535)
		}
	}
}

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
