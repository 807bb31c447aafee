// Package t5go runs Google's T5Gemma 2 encoder-decoder models on the CPU.
//
// Load a model once and share it across goroutines; every call makes its own
// state, so requests never see each other's data:
//
//	m, err := t5go.Load("model.gguf", t5go.Options{})
//	if err != nil { ... }
//	defer m.Close()
//	res, err := m.Generate(ctx, t5go.Request{Prompt: "Translate to French: cheese"},
//		func(t t5go.Token) error { fmt.Print(t.Text); return nil })
//
// Errors are values that say what went wrong; nothing here panics or exits
// on bad input.
package t5go

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
	"github.com/t5go/t5go/tokenizer"
)

// Options configure a loaded model. The zero value is ready to use.
type Options struct {
	// Threads used by each request's matrix products and attention
	// (default: all cores). Concurrent requests share the cores.
	Threads int
	// CrossType is the precision of the decoder's cached encoder keys and
	// values: tensor.F32 (the zero value), tensor.F16 or tensor.Q8_0. At long
	// inputs they are most of what a decode step reads.
	CrossType tensor.Type
}

// Model is a loaded model, safe for concurrent use.
type Model struct {
	m    *t5gemma.Model
	tok  *tokenizer.Tokenizer
	opt  Options
	pool *kernels.Pool

	mu     sync.RWMutex // Close waits for running calls
	closed bool
}

// ErrClosed is returned by calls on a closed Model.
var ErrClosed = errors.New("t5go: model is closed")

// Load memory-maps a t5go GGUF file (made by `t5go convert` or `t5go synth`).
func Load(path string, opt Options) (*Model, error) {
	switch opt.CrossType {
	case tensor.F32, tensor.F16, tensor.Q8_0:
	default:
		return nil, fmt.Errorf("t5go: cross K/V type %v (want f32, f16 or q8_0)", opt.CrossType)
	}
	m, err := t5gemma.Load(path)
	if err != nil {
		return nil, err
	}
	if opt.Threads <= 0 {
		opt.Threads = runtime.NumCPU()
	}
	return &Model{m: m, tok: m.Tokenizer, opt: opt, pool: kernels.NewPool(opt.Threads)}, nil
}

// Close releases the file mapping after running calls finish. Calls made
// afterwards return ErrClosed.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	m.pool.Close()
	return m.m.Close()
}

// acquire marks a call in progress; release ends it.
func (m *Model) acquire() error {
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

func (m *Model) release() { m.mu.RUnlock() }

// Config is the model's configuration as read from the file.
func (m *Model) Config() *t5gemma.Config { return m.m.Config }

// Tokenizer returns the tokenizer embedded in the file, or nil.
func (m *Model) Tokenizer() *tokenizer.Tokenizer { return m.tok }

// Kernels names the kernel tier in use (generic, avx2, avx512, ...).
func (m *Model) Kernels() string { return kernels.Selected() }

// Threads is the number of threads each request uses.
func (m *Model) Threads() int { return m.opt.Threads }

func (m *Model) needTokenizer() error {
	if m.tok == nil {
		return fmt.Errorf("t5go: the model file has no tokenizer; convert the checkpoint with its tokenizer.json")
	}
	return nil
}
