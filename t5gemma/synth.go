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
// Weights are N(0, 1/fan_in)-like and norms small, so activations stay in a
// realistic range; the values are deterministic for a seed. Speed does not
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
		chunk := max(1, (1<<18)/k)
		f := make([]float32, min(chunk, rows)*k)
		buf := make([]byte, types[i].RowBytes(k)*min(chunk, rows))
		for r := 0; r < rows; r += chunk {
			m := min(chunk, rows-r)
			for j := range f[:m*k] {
				f[j] = std * float32(rng.NormFloat64())
			}
			b := buf[:types[i].RowBytes(k)*m]
			if err := quant.Quantize(types[i], b, f[:m*k]); err != nil {
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

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
