package t5go

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/t5go/t5go/t5gemma"
)

// Session is an input encoded once: the encoder output and every decoder
// layer's cross keys/values stay cached, and each Ask runs only the decoder.
// An encoder-decoder can do this, a decoder-only model cannot: a long
// document is read once however many questions follow. A Session is safe for
// concurrent use; its Asks run one at a time.
type Session struct {
	m      *Model
	st     *t5gemma.State
	ids    []int32
	encode time.Duration
	maxDec int
	mu     sync.Mutex
	closed bool
}

// SessionOptions size a session's decoder.
type SessionOptions struct {
	// MaxDecoderTokens bounds question plus answer tokens per Ask
	// (default 512).
	MaxDecoderTokens int
}

// NewSession encodes prompt (and images) once.
func (m *Model) NewSession(ctx context.Context, prompt string, images []Image, opt SessionOptions) (*Session, error) {
	if err := m.acquire(); err != nil {
		return nil, err
	}
	defer m.release()
	if strings.TrimSpace(prompt) == "" && len(images) == 0 {
		return nil, invalid("t5go: empty prompt")
	}
	c := m.m.Config
	if opt.MaxDecoderTokens <= 0 {
		opt.MaxDecoderTokens = 512
	}
	if opt.MaxDecoderTokens > c.Dec.Context {
		return nil, invalid("t5go: %d decoder tokens exceed the decoder's context of %d", opt.MaxDecoderTokens, c.Dec.Context)
	}
	start := time.Now()
	ids, err := m.encoderIDs(prompt, len(images))
	if err != nil {
		return nil, err
	}
	if len(ids) > c.Enc.Context {
		return nil, invalid("t5go: the prompt is %d tokens, past the model's encoder context of %d", len(ids), c.Enc.Context)
	}
	feats, err := m.imageFeatures(images)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := m.m.NewState(t5gemma.Limits{Batch: 1, EncLen: len(ids), DecLen: opt.MaxDecoderTokens, Chunk: opt.MaxDecoderTokens, CrossType: m.opt.CrossType}, m.pool)
	if err != nil {
		return nil, err
	}
	if err := st.EncodeContext(ctx, t5gemma.EncoderInput{B: 1, S: len(ids), IDs: ids, Images: feats}); err != nil {
		return nil, err
	}
	return &Session{m: m, st: st, ids: ids, encode: time.Since(start), maxDec: opt.MaxDecoderTokens}, nil
}

// EncoderTokens is the length of the encoded input.
func (s *Session) EncoderTokens() int { return len(s.ids) }

// Ask generates an answer to question against the encoded input: the
// question is the decoder's prompt (after the start token), and only the
// decoder runs. req.Prompt and req.Images are ignored.
func (s *Session) Ask(ctx context.Context, question string, req Request, onToken func(Token) error) (Result, error) {
	if err := s.m.acquire(); err != nil {
		return Result{}, err
	}
	defer s.m.release()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Result{}, fmt.Errorf("t5go: session is closed")
	}
	if err := req.Sampling.validate(); err != nil {
		return Result{}, invalid("t5go: %w", err)
	}
	if req.MaxNewTokens <= 0 {
		req.MaxNewTokens = 256
	}
	if err := s.m.needTokenizer(); err != nil {
		return Result{}, err
	}
	prefix := s.m.tok.Encode(question, false)
	if n := 1 + len(prefix) + req.MaxNewTokens; n > s.maxDec {
		return Result{}, invalid("t5go: question (%d tokens) plus %d new tokens exceed the session's %d decoder tokens",
			len(prefix), req.MaxNewTokens, s.maxDec)
	}
	var cb func(int, Token) error
	if onToken != nil {
		cb = func(_ int, t Token) error { return onToken(t) }
	}
	r := &row{req: req, ids: s.ids, sm: newSampler(req.Sampling)}
	out, err := s.m.decode(ctx, s.st, []*row{r}, prefix, cb)
	if len(out) == 0 {
		return Result{}, err
	}
	return out[0], err
}

// EncodeTime is how long encoding the input took.
func (s *Session) EncodeTime() time.Duration { return s.encode }

// Close drops the session's caches.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed, s.st = true, nil
}
