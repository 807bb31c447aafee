package t5go

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/t5go/t5go/t5gemma"
)

// Request is one generation.
type Request struct {
	Prompt       string   // encoder input; may hold ImagePlaceholder markers
	Images       []Image  // one per placeholder, in order
	MaxNewTokens int      // default 256
	Sampling     Sampling // zero value: greedy
	Stop         []string // stop before any of these strings appears in the output
	// Truncate, when the prompt is longer than the model's encoder context,
	// keeps its first tokens instead of failing.
	Truncate bool
}

// Token is one generated token as streamed to the callback. Text is the new
// printable text it completes (empty while a multi-byte character or a
// possible stop string is still pending).
type Token struct {
	ID   int32
	Text string
}

// Result is a finished generation.
type Result struct {
	Text    string
	IDs     []int32 // generated ids, without the decoder start token
	Reason  string  // "eos", "length", "stop" or "cancelled"
	Timings Timings
}

// Timings of one request.
type Timings struct {
	EncoderTokens int
	Encode        time.Duration // vision tower and encoder
	DecoderTokens int
	Decode        time.Duration
}

// EncoderTokensPerSecond and DecoderTokensPerSecond are the rates.
func (t Timings) EncoderTokensPerSecond() float64 { return rate(t.EncoderTokens, t.Encode) }
func (t Timings) DecoderTokensPerSecond() float64 { return rate(t.DecoderTokens, t.Decode) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Generate runs one request. onToken, if set, is called for every generated
// token as it is produced; an error from it stops generation and is returned.
// Cancelling ctx stops within one token; the partial result comes back with
// Reason "cancelled" and ctx's error.
func (m *Model) Generate(ctx context.Context, req Request, onToken func(Token) error) (Result, error) {
	var cb func(int, Token) error
	if onToken != nil {
		cb = func(_ int, t Token) error { return onToken(t) }
	}
	rs, err := m.GenerateBatch(ctx, []Request{req}, cb)
	if len(rs) == 0 {
		return Result{}, err
	}
	return rs[0], err
}

// GenerateBatch runs several requests in one pass over the weights per step
// (their encoder inputs are left-padded to one length). Each keeps its own
// sampling, stop strings and token limit; results are in request order.
// onToken gets the request index with each token.
func (m *Model) GenerateBatch(ctx context.Context, reqs []Request, onToken func(i int, t Token) error) ([]Result, error) {
	if err := m.acquire(); err != nil {
		return nil, err
	}
	defer m.release()
	if len(reqs) == 0 {
		return nil, errors.New("t5go: no requests")
	}
	c := m.m.Config
	rows := make([]*row, len(reqs))
	var images [][]float32
	start := time.Now()
	S := 0
	for i, r := range reqs {
		if err := r.Sampling.validate(); err != nil {
			return nil, invalid("t5go: request %d: %w", i, err)
		}
		if strings.TrimSpace(r.Prompt) == "" && len(r.Images) == 0 {
			return nil, invalid("t5go: request %d: empty prompt", i)
		}
		if r.MaxNewTokens < 0 {
			return nil, invalid("t5go: request %d: max new tokens %d is negative", i, r.MaxNewTokens)
		}
		if r.MaxNewTokens == 0 {
			reqs[i].MaxNewTokens = 256
		}
		if limit := c.Dec.Context - 1; reqs[i].MaxNewTokens > limit {
			return nil, invalid("t5go: request %d: %d new tokens exceed the decoder's context of %d", i, reqs[i].MaxNewTokens, limit)
		}
		ids, err := m.encoderIDs(r.Prompt, len(r.Images))
		if err != nil {
			return nil, invalid("t5go: request %d: %w", i, err)
		}
		if len(ids) > c.Enc.Context {
			if !r.Truncate || len(r.Images) > 0 {
				return nil, invalid("t5go: request %d: the prompt is %d tokens, past the model's encoder context of %d", i, len(ids), c.Enc.Context)
			}
			ids = ids[:c.Enc.Context]
		}
		feats, err := m.imageFeatures(r.Images)
		if err != nil {
			return nil, invalid("t5go: request %d: %w", i, err)
		}
		images = append(images, feats...)
		rows[i] = &row{req: reqs[i], ids: ids, sm: newSampler(r.Sampling)}
		S = max(S, len(ids))
	}
	maxNew := 0
	for _, r := range rows {
		maxNew = max(maxNew, r.req.MaxNewTokens)
	}
	B := len(rows)
	st, err := m.m.NewState(t5gemma.Limits{Batch: B, EncLen: S, DecLen: maxNew + 1, Chunk: 1, CrossType: m.opt.CrossType}, m.pool)
	if err != nil {
		return nil, err
	}
	in := t5gemma.EncoderInput{B: B, S: S, IDs: make([]int32, B*S), Mask: make([]int32, B*S), Images: images}
	for b, r := range rows { // left padding, as the Gemma 3 tokenizer pads
		off := b*S + S - len(r.ids)
		copy(in.IDs[off:], r.ids)
		for j := off; j < (b+1)*S; j++ {
			in.Mask[j] = 1
		}
	}
	if err := st.EncodeContext(ctx, in); err != nil {
		return nil, err
	}
	encDone := time.Now()

	out, err := m.decode(ctx, st, rows, nil, onToken)
	for b := range out {
		out[b].Timings.Encode = encDone.Sub(start)
	}
	return out, err
}

// decode runs the decoder of an encoded state for every row: it feeds the
// start token and prefix (the same for all rows), then samples until each row
// stops, streaming tokens to onToken.
func (m *Model) decode(ctx context.Context, st *t5gemma.State, rows []*row, prefix []int32, onToken func(int, Token) error) ([]Result, error) {
	c := m.m.Config
	B, V := len(rows), c.Vocab
	maxNew := 0
	for _, r := range rows {
		maxNew = max(maxNew, r.req.MaxNewTokens)
	}
	begin := time.Now()
	first := make([]int32, 0, B*(1+len(prefix)))
	for range B {
		first = append(append(first, c.DecoderStart), prefix...)
	}
	st.Rewind()
	cur := make([]int32, B)
	var stepErr error
	for step := 0; step < maxNew && stepErr == nil; step++ {
		if err := ctx.Err(); err != nil {
			stepErr = err
			break
		}
		var logits []float32
		var err error
		if step == 0 {
			logits, err = st.Decode(first, 1+len(prefix), false)
		} else {
			logits, err = st.Decode(cur, 1, false)
		}
		if err != nil {
			return nil, err
		}
		live := false
		for b, r := range rows {
			cur[b] = c.PAD
			if r.reason != "" {
				continue
			}
			id := r.sm.next(logits[b*V:(b+1)*V], r.out)
			cur[b] = id
			text := r.push(m, id, slices.Contains(c.EOS, id))
			if onToken != nil && stepErr == nil {
				if err := onToken(b, Token{ID: id, Text: text}); err != nil {
					stepErr = err
				}
			}
			live = live || r.reason == ""
		}
		if !live {
			break
		}
	}
	end := time.Now()
	out := make([]Result, B)
	for b, r := range rows {
		if r.reason == "" {
			r.reason = "length"
			if stepErr != nil {
				r.reason = "cancelled"
			}
			r.flush()
		}
		out[b] = Result{Text: r.text, IDs: r.out, Reason: r.reason, Timings: Timings{
			EncoderTokens: len(r.ids), DecoderTokens: len(r.out), Decode: end.Sub(begin),
		}}
	}
	return out, stepErr
}

// row is one request's decoding state: the ids so far and how much of their
// text was already handed out.
type row struct {
	req     Request
	ids     []int32 // encoder input
	sm      *sampler
	out     []int32
	decoded string // text of out
	text    string // text released (stop strings cut)
	reason  string
}

// push adds a generated token and returns the text it releases. Text is held
// back while it ends in an incomplete UTF-8 sequence or could still become a
// stop string.
func (r *row) push(m *Model, id int32, eos bool) string {
	if eos {
		r.reason = "eos"
		return r.release(r.decoded)
	}
	r.out = append(r.out, id)
	r.decoded = m.tok.Decode(r.out, true)
	full := r.decoded
	for _, s := range r.req.Stop {
		if s == "" {
			continue
		}
		if i := strings.Index(full, s); i >= 0 {
			r.reason = "stop"
			return r.release(full[:i])
		}
	}
	safe := full
	if strings.HasSuffix(safe, string(utf8.RuneError)) {
		safe = strings.TrimRight(safe, string(utf8.RuneError))
	}
	for _, s := range r.req.Stop {
		for k := min(len(s)-1, len(safe)); k > 0; k-- {
			if strings.HasSuffix(safe, s[:k]) {
				safe = safe[:len(safe)-k]
				break
			}
		}
	}
	if len(r.out) >= r.req.MaxNewTokens {
		r.reason = "length"
		safe = full
	}
	return r.release(safe)
}

// release hands out upto's text beyond what was released before.
func (r *row) release(upto string) string {
	if len(upto) <= len(r.text) || !strings.HasPrefix(upto, r.text) {
		return ""
	}
	d := upto[len(r.text):]
	r.text = upto
	return d
}

// flush releases held-back text when generation ends without a stop string.
func (r *row) flush() { r.release(r.decoded) }
