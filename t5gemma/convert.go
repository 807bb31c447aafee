package t5gemma

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
	"github.com/t5go/t5go/tensor/safetensors"
	"github.com/t5go/t5go/tokenizer"
)

// ConvertOptions control Convert.
type ConvertOptions struct {
	Type      tensor.Type  // weights of linear layers: f32, f16, bf16, q8_0 or q4_0
	EmbedType *tensor.Type // the tied embedding / LM head; nil = Type
	Force     bool         // overwrite an existing output file
	// Progress, if set, is called after each tensor with bytes written so far
	// and the total.
	Progress func(done, total int64)
}

// Storage policy (ConvertOptions.Type = T):
//   - norms, biases and the eoi vector stay f32 (they are tiny and every
//     error in them reaches every token);
//   - linear weights, the patch embedding and the tied embedding / LM head
//     are stored as T (the embedding as EmbedType when given); a matrix whose
//     row length is not a multiple of 32 cannot hold Q8_0/Q4_0 blocks and is
//     stored as quant.Fallback says (f16);
//   - the vision position table is added, not multiplied: it is stored as T
//     when T is a float type and as f16 otherwise;
//   - Q8_0 and Q4_0 matrices of the text stacks and the embedding / LM head
//     are stored as Q8_0X32 / Q4_0X32 (the same blocks, 32 rows
//     interleaved), the layout the one-token matrix × vector kernels read
//     fastest; the vision tower and projector only ever multiply hundreds
//     of tokens and keep the plain layout.
func storageType(s tensorSpec, opt ConvertOptions) tensor.Type {
	t := opt.Type
	switch s.Kind {
	case kindVector:
		return tensor.F32
	case kindPosTable:
		if t == tensor.Q8_0 || t == tensor.Q4_0 {
			return tensor.F16
		}
		return t
	case kindEmbedding:
		if opt.EmbedType != nil {
			t = *opt.EmbedType
		}
	}
	t = quant.Fallback(t, s.Shape[0])
	if (t == tensor.Q8_0 || t == tensor.Q4_0) && textMatrix(s) {
		return t.X32()
	}
	return t
}

// TextMatrixType is the type a text layer's matrix of rows of rowLen values
// is stored as when t is asked for.
func TextMatrixType(t tensor.Type, rowLen int) tensor.Type {
	return storageType(tensorSpec{Name: encPrefix + ".", Shape: []int{rowLen}, Kind: kindMatrix}, ConvertOptions{Type: t})
}

// textMatrix reports whether s is the embedding or a text layer's matrix.
func textMatrix(s tensorSpec) bool {
	return s.Kind == kindEmbedding ||
		s.Kind == kindMatrix && (strings.HasPrefix(s.Name, encPrefix+".") || strings.HasPrefix(s.Name, decPrefix+"."))
}

// quantChunk is how many rows of k values the converter quantizes at a
// time, about n values: a whole number of interleaved panels.
func quantChunk(n, k int) int { return max(32, n/k/32*32) }

// Convert turns a Hugging Face T5Gemma 2 checkpoint folder into one GGUF file
// at out. It streams tensor by tensor, writes to a temporary file in the same
// folder and renames it only when complete, so an interrupted conversion never
// leaves a partial model behind.
func Convert(ctx context.Context, hfDir, out string, opt ConvertOptions) (err error) {
	if !opt.Force {
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s exists (use --force to overwrite)", out)
		}
	}
	for _, t := range []tensor.Type{opt.Type} {
		if t != tensor.F32 && t != tensor.F16 && t != tensor.BF16 && t != tensor.Q8_0 && t != tensor.Q4_0 {
			return fmt.Errorf("convert: unsupported type %v", t)
		}
	}
	cfg, err := ReadHFConfig(hfDir)
	if err != nil {
		return err
	}
	ck, err := safetensors.OpenCheckpoint(hfDir)
	if err != nil {
		return err
	}
	defer ck.Close()
	plan, err := planTensors(cfg, ck)
	if err != nil {
		return err
	}
	var tok *tokenizer.Tokenizer
	if _, err := os.Stat(filepath.Join(hfDir, "tokenizer.json")); err == nil {
		if tok, err = tokenizer.LoadJSON(filepath.Join(hfDir, "tokenizer.json")); err != nil {
			return fmt.Errorf("tokenizer.json: %w", err)
		}
		// Added tokens may lie past the embedding table (Gemma 3's
		// <image_soft_token> is 262144); the BPE vocabulary itself may not.
		if n := tok.Vocab().ModelSize; n > cfg.Vocab {
			return fmt.Errorf("tokenizer.json has %d vocabulary entries but the model's embedding has %d rows", n, cfg.Vocab)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	w := gguf.NewWriter(bw)
	if err := writeConfig(w, cfg); err != nil {
		return err
	}
	if err := w.SetKV("general.name", filepath.Base(filepath.Clean(hfDir))); err != nil {
		return err
	}
	if err := w.SetKV("general.quantization_version", uint32(2)); err != nil {
		return err
	}
	if tok != nil {
		if err := tokenizer.WriteGGUF(w, tok.Vocab()); err != nil {
			return err
		}
	}
	var total int64
	for i := range plan {
		p := &plan[i]
		p.typ = storageType(p.spec, opt)
		if err := w.AddTensor(p.spec.Name, p.typ, p.spec.Shape); err != nil {
			return err
		}
		total += int64(p.typ.RowBytes(p.spec.Shape[0]) * (p.elements() / p.spec.Shape[0]))
	}
	var done int64
	for _, p := range plan {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := writeTensor(w, p)
		if err != nil {
			return fmt.Errorf("tensor %s (%s): %w", p.spec.Name, p.info.Name, err)
		}
		done += n
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if !opt.Force {
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s appeared during conversion (use --force to overwrite)", out)
		}
	}
	return os.Rename(tmp.Name(), out)
}

type planned struct {
	spec tensorSpec
	info safetensors.Info
	typ  tensor.Type
}

func (p planned) elements() int {
	n := 1
	for _, d := range p.spec.Shape {
		n *= d
	}
	return n
}

// planTensors finds every spec in the checkpoint under one of its spellings,
// checks shapes, and refuses tensors it does not know.
func planTensors(c *Config, ck *safetensors.Checkpoint) ([]planned, error) {
	used := map[string]bool{}
	var plan []planned
	for _, s := range tensorSpecs(c) {
		var info safetensors.Info
		found := false
		for _, name := range hfAliases(s.HF) {
			if info, found = ck.Tensor(name); found {
				used[name] = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("checkpoint: missing tensor %q", s.HF)
		}
		if want := s.hfShape(c); !slices.Equal(info.Shape, want) {
			return nil, fmt.Errorf("checkpoint: tensor %q has shape %v, want %v", info.Name, info.Shape, want)
		}
		plan = append(plan, planned{spec: s, info: info})
	}
	for _, name := range ck.Names() {
		if !used[name] && !slices.Contains(tiedCopies, name) {
			return nil, fmt.Errorf("checkpoint: unexpected tensor %q", name)
		}
	}
	return plan, nil
}

// writeTensor converts one tensor in chunks of rows and streams it out.
func writeTensor(w *gguf.Writer, p planned) (int64, error) {
	k := p.spec.Shape[0]
	rows := p.elements() / k
	src := p.info
	if p.spec.Kind == kindTransposed {
		t, err := transposed(src)
		if err != nil {
			return 0, err
		}
		src = t
	}
	esz := len(src.Data) / (rows * k)
	chunk := quantChunk(1<<20, k) // about 4 MiB of float32 at a time
	f := make([]float32, min(rows, chunk)*k)
	buf := make([]byte, p.typ.RowBytes(k)*min(rows, chunk))
	var n int64
	for r := 0; r < rows; r += chunk {
		m := min(chunk, rows-r)
		part := safetensors.Info{Name: src.Name, DType: src.DType, Shape: []int{m, k},
			Data: src.Data[r*k*esz : (r+m)*k*esz]}
		if err := part.Float32s(f[:m*k]); err != nil {
			return n, err
		}
		part.Drop() // resident memory stays near one chunk, even for the 262144-row embedding
		out := buf[:p.typ.RowBytes(k)*m]
		if err := quant.QuantizeMatrix(p.typ, out, f[:m*k], k); err != nil {
			return n, err
		}
		if err := w.Write(p.spec.Name, out); err != nil {
			return n, err
		}
		n += int64(len(out))
	}
	return n, nil
}

// transposed returns an f32 copy of a 2-D tensor with its axes swapped.
func transposed(in safetensors.Info) (safetensors.Info, error) {
	r, c := in.Shape[0], in.Shape[1]
	f := make([]float32, r*c)
	if err := in.Float32s(f); err != nil {
		return in, err
	}
	t := make([]float32, r*c)
	for i := range r {
		for j := range c {
			t[j*r+i] = f[i*c+j]
		}
	}
	data := make([]byte, 4*len(t))
	if err := quant.Quantize(tensor.F32, data, t); err != nil {
		return in, err
	}
	return safetensors.Info{Name: in.Name, DType: "F32", Shape: []int{c, r}, Data: data}, nil
}
