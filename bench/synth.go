package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
	"github.com/t5go/t5go/tokenizer"
	"github.com/t5go/t5go/tokenizer/gemma3"
)

// SynthOptions control Synthesize.
type SynthOptions struct {
	Type tensor.Type
	Seed uint64
	// NoTokenizer leaves the Gemma 3 tokenizer out of the file (a converted
	// checkpoint carries it; benchmarks do not need it).
	NoTokenizer bool
	Force       bool // overwrite an existing file
	// Progress, if set, sees bytes of tensor data written and the total.
	Progress func(done, total int64)
}

// Synthesize writes a random-weight model of configuration c to path, with
// the embedded Gemma 3 tokenizer, in the layout of a converted checkpoint
// and marked t5gemma2.synthetic = true. The file is written under a
// temporary name and renamed when complete, so an interrupted run never
// leaves a partial model behind. The same c, type and seed give the same
// bytes.
func Synthesize(path string, c *t5gemma.Config, opt SynthOptions) (err error) {
	if !opt.Force {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s already exists (use --force to overwrite)", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	var tok *tokenizer.Tokenizer
	if !opt.NoTokenizer {
		if tok, err = gemma3.Tokenizer(); err != nil {
			return err
		}
		if n := tok.Vocab().ModelSize; n > c.Vocab {
			return fmt.Errorf("the Gemma 3 tokenizer has %d entries but the model's vocabulary is %d", n, c.Vocab)
		}
	}
	size := FileBytes(c, opt.Type)
	if err := checkDisk(filepath.Dir(path), size); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
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
	so := t5gemma.SynthOptions{Type: opt.Type, Seed: opt.Seed, Progress: opt.Progress}
	if tok != nil {
		so.Meta = func(w *gguf.Writer) error { return tokenizer.WriteGGUF(w, tok.Vocab()) }
	}
	if err := t5gemma.WriteSynthetic(bw, c, so); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp made it 0600
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// CachePath is where the synthetic model of size, type and seed is kept.
func CachePath(dir, size string, typ tensor.Type, seed uint64) string {
	return filepath.Join(dir, fmt.Sprintf("t5gemma2-%s-%s-synthetic-seed%d.gguf", size, typ, seed))
}

// DefaultCacheDir is the user's cache folder plus t5go (~/.cache/t5go on
// Linux).
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder (set --cache): %w", err)
	}
	return filepath.Join(d, "t5go"), nil
}

// cachedSynthetic returns whether it made the synthetic model of
// configuration c at path: it does when the file is missing or unusable (an
// older layout), and reuses it otherwise.
func cachedSynthetic(path string, c *t5gemma.Config, opt SynthOptions) (made bool, err error) {
	if usableSynthetic(path, c, opt.Type) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	opt.Force = true
	if err := Synthesize(path, c, opt); err != nil {
		return false, fmt.Errorf("making the synthetic model %s: %w", path, err)
	}
	return true, nil
}

// usableSynthetic says whether path holds a complete synthetic model of
// configuration c that this build loads. Files are renamed into place only
// when complete, so a parse (header and layout checks) plus the binding
// checks of Load are enough; the weights are not read.
func usableSynthetic(path string, c *t5gemma.Config, typ tensor.Type) bool {
	m, err := t5gemma.Load(path)
	if err != nil {
		return false
	}
	defer m.Close()
	return m.Enc.Layers[0].Q.Type == t5gemma.TextMatrixType(typ, c.Hidden) && m.Config.Hidden == c.Hidden && m.Config.Enc.Layers == c.Enc.Layers &&
		m.Config.Dec.Layers == c.Dec.Layers && m.Config.Enc.FFN == c.Enc.FFN && m.Config.Vocab == c.Vocab &&
		(m.Config.Vision == nil) == (c.Vision == nil)
}
