// Package serve is t5go's HTTP server: an OpenAI-compatible API over one
// loaded model, using only the standard library.
//
// Endpoints:
//
//	POST /v1/completions  text completion (stream: server-sent events)
//	POST /v1/embeddings   the encoder's mean-pooled final hidden states
//	POST /v1/sessions     encode a document once; completions with "session"
//	                      ask questions about it running only the decoder
//	GET  /v1/sessions     the live sessions; DELETE /v1/sessions/{id} frees one
//	GET  /v1/models       the one model served
//	GET  /health          200 {"status":"ok",...}; 503 while shutting down
//	GET  /metrics         Prometheus text format
//
// At most Parallel requests run at once; up to Queue more wait for a slot in
// arrival order, and a request that finds the queue full is answered 503
// with Retry-After. Every request has a deadline (Timeout, the queue wait
// included). A client that disconnects cancels its request: generation stops
// at the next token and the slot goes to the next waiter.
//
// Extensions to OpenAI's request bodies (clients that do not know them never
// send them):
//
//   - "images": ["data:image/png;base64,...", ...]: images as base64 data URLs,
//     one for each <start_of_image> placeholder in the prompt (or embedding
//     input), in order. The server never fetches http(s) URLs.
//   - "top_k", "min_p", "repeat_penalty": the sampling filters of t5go
//     generate (--top-k, --min-p, --repeat-penalty).
//   - "session": "sess-...": the prompt is a question about the session's
//     document (see below).
//
// Sessions: POST /v1/sessions {"document": TEXT, "images": [...],
// "max_decoder_tokens": N} encodes the document (and images) once, taking a
// slot like a completion, and answers {"id": "sess-...", "object": "session",
// "encoder_tokens": n, "encode_ms": ms}. A completion with that "session"
// runs only the decoder: its prompt (one string) is the decoder's prompt, and
// question plus max_tokens must fit in max_decoder_tokens (default 512); its
// usage.prompt_tokens are the document's encoder tokens.
// A session's questions run one at a time. At most MaxSessions live at once:
// a new one closes the least recently used idle session, or is refused 503
// when every session is answering. A session idle for SessionTTL is closed;
// a question to a closed, deleted or unknown id is answered 404.
//
// A completion's "prompt" is a string or an array of up to 16 strings; an
// array runs as one batch (one pass over the weights per step for all of
// them) and answers with one choice per prompt. Token-id prompts are
// refused. Defaults follow OpenAI's: max_tokens 16, temperature 1, top_p 1,
// and a seed from the clock when none is given.
//
// The "model" field is accepted with any value; answers name the served
// model. Unknown fields are refused (400), so a misspelt parameter is not
// silently ignored.
//
// Status codes: 400 malformed JSON or a bad field (the message names it),
// 404 unknown path, 405 wrong method, 408 the body did not arrive before the
// deadline, 413 body over the limit, 503 queue full, deadline passed while
// queued, or shutting down (with Retry-After), 504 the deadline passed while
// generating. A
// stream that fails after its first event ends with an event
// data: {"error":{...}} and no [DONE]. Errors have OpenAI's shape:
// {"error":{"message":"...","type":"invalid_request_error","param":"max_tokens","code":null}}.
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/t5go/t5go"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	Model     string        // name reported in responses (default "t5go")
	Parallel  int           // requests running at once (default 1)
	Queue     int           // requests waiting beyond those (default 4×Parallel; negative: none)
	MaxBody   int64         // request body limit in bytes (default 16 MiB)
	Timeout   time.Duration // per request, queue wait included (default 5 min; negative: none)
	MaxTokens int           // largest max_tokens accepted (default 4096, at most the decoder's context - 1)

	MaxSessions int           // encoded documents kept at once (default 4; negative: sessions off)
	SessionTTL  time.Duration // an idle session is closed after this (default 10 min; negative: never)
}

// Server answers the API for one model. It is an http.Handler.
type Server struct {
	m        *t5go.Model
	opt      Options
	gate     *gate
	met      *metrics
	sess     *sessions
	draining atomic.Bool
}

// New makes a server for m, which must have a tokenizer.
func New(m *t5go.Model, opt Options) (*Server, error) {
	if m.Tokenizer() == nil {
		return nil, errors.New("serve: the model file has no tokenizer; convert the checkpoint with its tokenizer.json")
	}
	if opt.Model == "" {
		opt.Model = "t5go"
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 1
	}
	switch {
	case opt.Queue == 0:
		opt.Queue = 4 * opt.Parallel
	case opt.Queue < 0:
		opt.Queue = 0
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = 16 << 20
	}
	if opt.Timeout == 0 {
		opt.Timeout = 5 * time.Minute
	}
	limit := m.Config().Dec.Context - 1
	if opt.MaxTokens <= 0 {
		opt.MaxTokens = 4096
	}
	opt.MaxTokens = min(opt.MaxTokens, limit)
	if opt.MaxTokens < 1 {
		return nil, fmt.Errorf("serve: the decoder's context of %d leaves no room for new tokens", limit+1)
	}
	switch {
	case opt.MaxSessions == 0:
		opt.MaxSessions = 4
	case opt.MaxSessions < 0:
		opt.MaxSessions = 0
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 10 * time.Minute
	}
	return &Server{m: m, opt: opt, gate: newGate(opt.Parallel, opt.Queue), met: newMetrics(),
		sess: newSessions(opt.MaxSessions, opt.SessionTTL)}, nil
}

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opt }

// Drain makes /health answer 503 and refuses new API requests with 503;
// requests already admitted (running or queued) finish. Call it when
// shutdown begins, before http.Server.Shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// Close frees every session's caches and refuses new sessions. Call it
// after http.Server.Shutdown: a session still answering is closed when its
// answer ends.
func (s *Server) Close() { s.sess.closeAll() }

// Busy reports the requests running and waiting.
func (s *Server) Busy() (running, queued int) { return s.gate.load() }

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	route, handler, method := s.route(r.URL.Path)
	start := time.Now()
	switch {
	case handler == nil:
		route = "other"
		writeError(sw, &apiError{status: http.StatusNotFound, typ: "not_found_error",
			msg: fmt.Sprintf("no endpoint %s (have POST /v1/completions, POST /v1/embeddings, POST and GET /v1/sessions, DELETE /v1/sessions/{id}, GET /v1/models, GET /health, GET /metrics)", r.URL.Path)})
	case method == "": // the handler checks the method
		handler(sw, r)
	case r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead):
		sw.Header().Set("Allow", method)
		writeError(sw, &apiError{status: http.StatusMethodNotAllowed, typ: "invalid_request_error",
			msg: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, method)})
	default:
		handler(sw, r)
	}
	if route != "/metrics" && route != "/health" {
		s.met.request(route, sw.outcome(), time.Since(start))
	}
}

func (s *Server) route(path string) (string, http.HandlerFunc, string) {
	switch path {
	case "/v1/completions", "/completions":
		return "/v1/completions", s.completions, http.MethodPost
	case "/v1/embeddings", "/embeddings":
		return "/v1/embeddings", s.embeddings, http.MethodPost
	case "/v1/models", "/models":
		return "/v1/models", s.models, http.MethodGet
	case "/health":
		return "/health", s.health, http.MethodGet
	case "/metrics":
		return "/metrics", s.metrics, http.MethodGet
	}
	for _, p := range []string{"/v1/sessions", "/sessions"} {
		if id, ok := strings.CutPrefix(path, p); ok && (id == "" || id[0] == '/' && len(id) > 1 && !strings.Contains(id[1:], "/")) {
			return "/v1/sessions", s.sessionsAPI, "" // one label for every id
		}
	}
	return "", nil, ""
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	running, queued := s.gate.load()
	status, code := "ok", http.StatusOK
	if s.draining.Load() {
		status, code = "shutting down", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "model": s.opt.Model, "slots": s.opt.Parallel,
		"running": running, "queued": queued, "queue_capacity": s.opt.Queue})
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": s.opt.Model, "object": "model", "created": s.met.start.Unix(), "owned_by": "t5go"}}})
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	running, queued := s.gate.load()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.met.write(w, gauges{slots: s.opt.Parallel, running: running, queued: queued, queueCap: s.opt.Queue,
		sessions: s.sess.count(), sessionCap: s.opt.MaxSessions})
}

// admit waits for a slot. On failure it has answered the request (503) and
// returns nil.
func (s *Server) admit(ctx context.Context, w http.ResponseWriter) func() {
	if s.draining.Load() {
		w.Header().Set("Retry-After", "5")
		writeError(w, &apiError{status: http.StatusServiceUnavailable, typ: "server_error", msg: "the server is shutting down"})
		return nil
	}
	release, err := s.gate.enter(ctx)
	switch {
	case errors.Is(err, errQueueFull):
		w.Header().Set("Retry-After", "1")
		writeError(w, &apiError{status: http.StatusServiceUnavailable, typ: "server_error",
			msg: fmt.Sprintf("server busy: %d requests running and %d waiting (the queue is full); retry later", s.opt.Parallel, s.opt.Queue)})
		return nil
	case err != nil:
		s.cancelled(ctx, w, "while waiting for a slot")
		return nil
	}
	return release
}

// start opens a request's context and waits for a slot (admit). Not ok:
// it has answered the request. Otherwise done releases the slot, then the
// context.
func (s *Server) start(w http.ResponseWriter, r *http.Request) (ctx context.Context, done func(), ok bool) {
	ctx, cancel := s.requestContext(r)
	release := s.admit(ctx, w)
	if release == nil {
		cancel()
		return nil, nil, false
	}
	return ctx, func() { release(); cancel() }, true
}

// requestContext is the request's context with the server's deadline; its
// cause is errTimeout when the deadline passes.
func (s *Server) requestContext(r *http.Request) (context.Context, context.CancelFunc) {
	if s.opt.Timeout < 0 {
		return context.WithCancel(r.Context())
	}
	return context.WithTimeoutCause(r.Context(), s.opt.Timeout, errTimeout)
}

var errTimeout = errors.New("serve: request deadline")

// cancelled answers a request whose context ended: a deadline is 504 (503
// while still queued), a disconnect is recorded as 499 (nobody reads it).
func (s *Server) cancelled(ctx context.Context, w http.ResponseWriter, where string) {
	if context.Cause(ctx) == errTimeout {
		code := http.StatusGatewayTimeout
		if where != "" {
			code = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, &apiError{status: code, typ: "timeout_error", msg: fmt.Sprintf("the request took longer than the server's limit of %v %s", s.opt.Timeout, where)})
		return
	}
	markGone(w)
}

// markGone records that the client disconnected.
func markGone(w http.ResponseWriter) {
	if sw, ok := w.(*statusWriter); ok {
		sw.gone = true
	}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":{"message":"encoding the response failed","type":"server_error","param":null,"code":null}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// statusWriter remembers the status code for the metrics and whether the
// client went away.
type statusWriter struct {
	http.ResponseWriter
	code int
	gone bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outcome is the code for the metrics: 499 (as nginx logs it) when the
// client disconnected first.
func (w *statusWriter) outcome() int {
	switch {
	case w.gone:
		return 499
	case w.code == 0:
		return http.StatusOK
	}
	return w.code
}
