package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/t5go/t5go"
)

// completionRequest is the body of POST /v1/completions: OpenAI's fields,
// then t5go's extensions.
type completionRequest struct {
	Model            string          `json:"model"` // any name is accepted; responses carry the server's
	Prompt           json.RawMessage `json:"prompt"`
	MaxTokens        *int            `json:"max_tokens"`
	Temperature      *float64        `json:"temperature"`
	TopP             *float64        `json:"top_p"`
	Stop             json.RawMessage `json:"stop"`
	Seed             *int64          `json:"seed"`
	Stream           bool            `json:"stream"`
	StreamOptions    *streamOptions  `json:"stream_options"`
	N                *int            `json:"n"`
	BestOf           *int            `json:"best_of"`
	Echo             bool            `json:"echo"`
	Logprobs         *int            `json:"logprobs"`
	PresencePenalty  *float64        `json:"presence_penalty"`
	FrequencyPenalty *float64        `json:"frequency_penalty"`
	LogitBias        map[string]any  `json:"logit_bias"`
	Suffix           *string         `json:"suffix"`
	User             string          `json:"user"`

	TopK          *int     `json:"top_k"`
	MinP          *float64 `json:"min_p"`
	RepeatPenalty *float64 `json:"repeat_penalty"`
	Images        []string `json:"images"`
	Session       *string  `json:"session"` // an id from POST /v1/sessions: prompt is a question about its document
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// maxPrompts bounds a batch of prompts in one request.
const maxPrompts = 16

var seedCounter atomic.Uint64

// parseCompletion checks the fields and makes one library request per prompt.
func (s *Server) parseCompletion(cr *completionRequest) ([]t5go.Request, *apiError) {
	prompts, e := strings1("prompt", cr.Prompt, maxPrompts)
	if e != nil {
		return nil, e
	}
	if len(prompts) == 0 {
		return nil, badRequest("prompt", "prompt is required (a string or an array of strings)")
	}
	switch {
	case cr.N != nil && *cr.N != 1:
		return nil, badRequest("n", "n %d: one choice per prompt is supported; send several prompts instead", *cr.N)
	case cr.BestOf != nil && *cr.BestOf != 1:
		return nil, badRequest("best_of", "best_of %d: only 1 is supported", *cr.BestOf)
	case cr.Echo:
		return nil, badRequest("echo", "echo is not supported")
	case cr.Logprobs != nil && *cr.Logprobs != 0:
		return nil, badRequest("logprobs", "logprobs are not supported")
	case cr.PresencePenalty != nil && *cr.PresencePenalty != 0:
		return nil, badRequest("presence_penalty", "presence_penalty is not supported; use repeat_penalty (a t5go extension)")
	case cr.FrequencyPenalty != nil && *cr.FrequencyPenalty != 0:
		return nil, badRequest("frequency_penalty", "frequency_penalty is not supported; use repeat_penalty (a t5go extension)")
	case len(cr.LogitBias) > 0:
		return nil, badRequest("logit_bias", "logit_bias is not supported")
	case cr.Suffix != nil && *cr.Suffix != "":
		return nil, badRequest("suffix", "suffix (insertion) is not supported")
	case cr.StreamOptions != nil && !cr.Stream:
		return nil, badRequest("stream_options", "stream_options is only allowed with stream: true")
	case cr.TopK != nil && *cr.TopK < 0:
		return nil, badRequest("top_k", "top_k %d: must be at least 0", *cr.TopK)
	}
	maxNew := 16
	if cr.MaxTokens != nil {
		maxNew = *cr.MaxTokens
		if maxNew < 1 || maxNew > s.opt.MaxTokens {
			return nil, badRequest("max_tokens", "max_tokens %d: must be between 1 and %d on this server (the model's decoder context is %d tokens)",
				maxNew, s.opt.MaxTokens, s.m.Config().Dec.Context)
		}
	}
	for _, e := range []*apiError{
		finite("temperature", cr.Temperature, 0, math.Inf(1)),
		finite("top_p", cr.TopP, 0, 1),
		finite("min_p", cr.MinP, 0, 1),
		finite("repeat_penalty", cr.RepeatPenalty, 0, math.Inf(1)),
	} {
		if e != nil {
			return nil, e
		}
	}
	stop, e := strings1("stop", cr.Stop, 16)
	if e != nil {
		return nil, e
	}
	if i := slices.Index(stop, ""); i >= 0 {
		return nil, badRequest("stop", "stop[%d] is empty", i)
	}
	images, e := s.images(cr.Images)
	if e != nil {
		return nil, e
	}
	perPrompt, e := splitImages("prompt", prompts, images)
	if e != nil {
		return nil, e
	}
	sm := t5go.Sampling{Temperature: 1, TopP: 1}
	if cr.Seed != nil {
		sm.Seed = uint64(*cr.Seed)
	} else {
		sm.Seed = uint64(time.Now().UnixNano()) + seedCounter.Add(1)
	}
	set := func(dst *float32, v *float64) {
		if v != nil {
			*dst = float32(*v)
		}
	}
	set(&sm.Temperature, cr.Temperature)
	set(&sm.TopP, cr.TopP)
	set(&sm.MinP, cr.MinP)
	set(&sm.RepeatPenalty, cr.RepeatPenalty)
	if cr.TopK != nil {
		sm.TopK = *cr.TopK
	}
	reqs := make([]t5go.Request, len(prompts))
	for i, p := range prompts {
		if strings.TrimSpace(p) == "" {
			return nil, badRequest("prompt", "%s is empty", index("prompt", i, len(prompts)))
		}
		reqs[i] = t5go.Request{Prompt: p, Images: perPrompt[i], MaxNewTokens: maxNew, Sampling: sm, Stop: stop}
	}
	return reqs, nil
}

// images decodes the "images" extension for this model.
func (s *Server) images(urls []string) ([]t5go.Image, *apiError) {
	if len(urls) > 0 && s.m.Config().Vision == nil {
		return nil, badRequest("images", "this model has no vision tower; it takes no images")
	}
	return dataImages(urls)
}

func index(param string, i, n int) string {
	if n == 1 {
		return param
	}
	return fmt.Sprintf("%s[%d]", param, i)
}

// completion is one response object (or, streaming, one chunk).
type completion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []choice `json:"choices"`
	Usage   *usage   `json:"usage,omitempty"`
}

type choice struct {
	Text         string  `json:"text"`
	Index        int     `json:"index"`
	Logprobs     any     `json:"logprobs"`
	FinishReason *string `json:"finish_reason"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var cr completionRequest
	if e := s.decodeBody(w, r, &cr); e != nil {
		writeError(w, e)
		return
	}
	if cr.Session != nil {
		s.askSession(w, r, &cr)
		return
	}
	reqs, e := s.parseCompletion(&cr)
	if e != nil {
		writeError(w, e)
		return
	}
	ctx, done, ok := s.start(w, r)
	if !ok {
		return
	}
	defer done()
	gen := func(ctx context.Context, onToken func(int, t5go.Token) error) ([]t5go.Result, error) {
		return s.m.GenerateBatch(ctx, reqs, onToken)
	}
	s.generate(ctx, w, &cr, gen, len(reqs), false)
}

// generator runs a completion's generations, calling onToken per token.
type generator func(ctx context.Context, onToken func(int, t5go.Token) error) ([]t5go.Result, error)

// generate answers an admitted completion, streaming or not. asked marks
// questions to a session, whose encoder tokens the metrics counted when the
// session was made.
func (s *Server) generate(ctx context.Context, w http.ResponseWriter, cr *completionRequest, gen generator, prompts int, asked bool) {
	head := completion{ID: newID("cmpl-"), Object: "text_completion", Created: time.Now().Unix(), Model: s.opt.Model}
	if cr.Stream {
		s.stream(ctx, w, head, gen, prompts, asked, cr.StreamOptions != nil && cr.StreamOptions.IncludeUsage)
		return
	}
	ran := false
	res, err := gen(ctx, s.countTokens(func(int, t5go.Token) error { ran = true; return nil }))
	if err != nil {
		s.fail(ctx, w, err, ran, prompts)
		return
	}
	head.Choices, head.Usage = s.finish(res, asked)
	writeJSON(w, http.StatusOK, head)
}

// countTokens wraps onToken to count generated tokens (not EOS) for the
// metrics.
func (s *Server) countTokens(onToken func(int, t5go.Token) error) func(int, t5go.Token) error {
	eos := s.m.Config().EOS
	return func(i int, t t5go.Token) error {
		if !slices.Contains(eos, t.ID) {
			s.met.tokens(1)
		}
		if onToken != nil {
			return onToken(i, t)
		}
		return nil
	}
}

// finish makes the final choices and usage of results.
func (s *Server) finish(res []t5go.Result, asked bool) ([]choice, *usage) {
	u := &usage{}
	ch := make([]choice, len(res))
	for i, r := range res {
		reason := "stop" // eos or a stop string
		if r.Reason == "length" {
			reason = "length"
		}
		ch[i] = choice{Text: r.Text, Index: i, FinishReason: &reason}
		u.PromptTokens += r.Timings.EncoderTokens
		u.CompletionTokens += len(r.IDs)
		t := r.Timings
		if asked {
			t.EncoderTokens = 0
		}
		s.met.finished(t)
	}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return ch, u
}

// stream answers with server-sent events: a chunk per token that releases
// text, a final chunk per choice with its finish_reason, optionally a usage
// chunk, then [DONE]. The 200 header goes out with the first token, so a
// request the library refuses (a bad image, a prompt past the context) still
// gets a plain error status.
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, head completion, gen generator, prompts int, asked, withUsage bool) {
	rc := http.NewResponseController(w)
	started := false
	send := func(v any) error {
		if !started {
			started = true
			h := w.Header()
			h.Set("Content-Type", "text/event-stream")
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Accel-Buffering", "no")
			w.WriteHeader(http.StatusOK)
		}
		if v != nil {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
				markGone(w) // the connection failed: the client has left
				return err
			}
		}
		if err := rc.Flush(); err != nil {
			markGone(w)
			return err
		}
		return nil
	}
	chunk := func(i int, text string, reason *string) completion {
		c := head
		c.Choices = []choice{{Text: text, Index: i, FinishReason: reason}}
		return c
	}
	res, err := gen(ctx, s.countTokens(func(i int, t t5go.Token) error {
		if t.Text == "" && started {
			return nil
		}
		if t.Text == "" {
			return send(nil)
		}
		return send(chunk(i, t.Text, nil))
	}))
	if err != nil {
		if !started {
			s.fail(ctx, w, err, false, prompts)
			return
		}
		if ctx.Err() != nil && context.Cause(ctx) != errTimeout {
			markGone(w) // the client left: nobody to tell
			return
		}
		e := &apiError{typ: "server_error", msg: strings.TrimPrefix(err.Error(), "t5go: ")}
		if context.Cause(ctx) == errTimeout {
			e = &apiError{typ: "timeout_error", msg: fmt.Sprintf("the request took longer than the server's limit of %v", s.opt.Timeout)}
		}
		send(map[string]any{"error": e.body()})
		return
	}
	choices, u := s.finish(res, asked)
	for _, c := range choices {
		if send(chunk(c.Index, "", c.FinishReason)) != nil {
			return
		}
	}
	if withUsage {
		c := head
		c.Choices, c.Usage = []choice{}, u
		if send(c) != nil {
			return
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	rc.Flush()
}

var requestN = regexp.MustCompile(`^t5go: request (\d+): `)

// fail answers a generation that returned err. The library checks requests
// before it generates; its errors then are about the input (400). An error
// once generation ran is the server's (500); a context that ended is a
// deadline (504) or a disconnect.
func (s *Server) fail(ctx context.Context, w http.ResponseWriter, err error, ran bool, prompts int) {
	switch {
	case ctx.Err() != nil:
		s.cancelled(ctx, w, "")
	case errors.Is(err, t5go.ErrClosed):
		w.Header().Set("Retry-After", "5")
		writeError(w, &apiError{status: http.StatusServiceUnavailable, typ: "server_error", msg: "the model is closed: the server is shutting down"})
	case ran:
		writeError(w, &apiError{status: http.StatusInternalServerError, typ: "server_error", msg: strings.TrimPrefix(err.Error(), "t5go: ")})
	default:
		msg := err.Error()
		if m := requestN.FindStringSubmatch(msg); m != nil {
			i, _ := strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
			if prompts > 1 {
				msg = fmt.Sprintf("prompt[%d]: %s", i, msg)
			}
		}
		param := "prompt"
		if strings.Contains(msg, "images[") {
			param = "images"
		}
		writeError(w, badRequest(param, "%s", strings.TrimPrefix(msg, "t5go: ")))
	}
}

func newID(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
