package serve

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/t5go/t5go"
)

// sessionRequest is the body of POST /v1/sessions.
type sessionRequest struct {
	Model            string   `json:"model"` // accepted and ignored, as in completions
	Document         *string  `json:"document"`
	Images           []string `json:"images"`
	MaxDecoderTokens *int     `json:"max_decoder_tokens"`
}

// defaultDecoderTokens is a session's question-plus-answer budget when the
// request names none (the library's default).
const defaultDecoderTokens = 512

// sessionsAPI routes /v1/sessions (GET lists, POST creates) and
// /v1/sessions/{id} (DELETE frees).
func (s *Server) sessionsAPI(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v1"), "/sessions")
	id = strings.TrimPrefix(id, "/")
	switch {
	case id == "" && r.Method == http.MethodPost:
		s.createSession(w, r)
	case id == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": s.sess.list()})
	case id != "" && r.Method == http.MethodDelete:
		if e := s.sess.remove(id); e != nil {
			writeError(w, e)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "session", "deleted": true})
	default:
		allow := "GET, POST"
		if id != "" {
			allow = "DELETE"
		}
		w.Header().Set("Allow", allow)
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, typ: "invalid_request_error",
			msg: r.Method + " " + r.URL.Path + ": use " + strings.ReplaceAll(allow, ", ", " or ")})
	}
}

// createSession encodes a document once (POST /v1/sessions). Encoding takes
// a slot like a completion.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	if s.sess.max == 0 {
		writeError(w, badRequest("", "sessions are off on this server (--max-sessions 0)"))
		return
	}
	var sr sessionRequest
	if e := s.decodeBody(w, r, &sr); e != nil {
		writeError(w, e)
		return
	}
	doc, opt, images, e := s.parseSession(&sr)
	if e != nil {
		writeError(w, e)
		return
	}
	ctx, done, ok := s.start(w, r)
	if !ok {
		return
	}
	defer done()
	if e := s.sess.reserve(); e != nil {
		if e.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, e)
		return
	}
	ses, err := s.m.NewSession(ctx, doc, images, opt)
	if err != nil {
		s.sess.unreserve()
		s.failSession(ctx, w, err)
		return
	}
	ent, e := s.sess.add(ses, opt.MaxDecoderTokens)
	if e != nil {
		writeError(w, e)
		return
	}
	s.met.sessionEncoded(ses.EncoderTokens())
	writeJSON(w, http.StatusOK, map[string]any{"id": ent.id, "object": "session", "created": ent.created.Unix(),
		"encoder_tokens": ses.EncoderTokens(), "encode_ms": float64(ses.EncodeTime().Microseconds()) / 1000,
		"max_decoder_tokens": opt.MaxDecoderTokens})
}

// parseSession checks a session request's fields.
func (s *Server) parseSession(sr *sessionRequest) (string, t5go.SessionOptions, []t5go.Image, *apiError) {
	var opt t5go.SessionOptions
	if sr.Document == nil {
		return "", opt, nil, badRequest("document", "document is required (the text to encode once)")
	}
	doc := *sr.Document
	if strings.TrimSpace(doc) == "" && len(sr.Images) == 0 {
		return "", opt, nil, badRequest("document", "document is empty")
	}
	limit := s.m.Config().Dec.Context
	opt.MaxDecoderTokens = min(defaultDecoderTokens, limit)
	if sr.MaxDecoderTokens != nil {
		opt.MaxDecoderTokens = *sr.MaxDecoderTokens
		if opt.MaxDecoderTokens < 2 || opt.MaxDecoderTokens > limit {
			return "", opt, nil, badRequest("max_decoder_tokens", "max_decoder_tokens %d: must be between 2 and %d (the model's decoder context)",
				opt.MaxDecoderTokens, limit)
		}
	}
	images, e := s.images(sr.Images)
	if e != nil {
		return "", opt, nil, e
	}
	if _, e := splitImages("document", []string{doc}, images); e != nil {
		return "", opt, nil, e
	}
	return doc, opt, images, nil
}

// failSession answers a NewSession that returned err.
func (s *Server) failSession(ctx context.Context, w http.ResponseWriter, err error) {
	msg := strings.TrimPrefix(err.Error(), "t5go: ")
	switch {
	case ctx.Err() != nil:
		s.cancelled(ctx, w, "")
	case errors.Is(err, t5go.ErrClosed):
		s.fail(ctx, w, err, false, 1)
	case errors.Is(err, t5go.ErrInvalidRequest):
		param := "document"
		if strings.Contains(msg, "images[") {
			param = "images"
		}
		writeError(w, badRequest(param, "%s", strings.Replace(msg, "the prompt is", "the document is", 1)))
	default:
		writeError(w, &apiError{status: http.StatusInternalServerError, typ: "server_error", msg: msg})
	}
}

// askSession answers a completion whose prompt is a question about session
// cr.Session: only the decoder runs.
func (s *Server) askSession(w http.ResponseWriter, r *http.Request, cr *completionRequest) {
	switch {
	case *cr.Session == "":
		writeError(w, badRequest("session", "session is empty; want an id from POST /v1/sessions"))
		return
	case len(cr.Images) > 0:
		writeError(w, badRequest("images", "images cannot go with a session: its images were encoded with its document"))
		return
	}
	reqs, e := s.parseCompletion(cr)
	if e != nil {
		writeError(w, e)
		return
	}
	if len(reqs) != 1 {
		writeError(w, badRequest("prompt", "with a session, prompt is one question (a string), not %d", len(reqs)))
		return
	}
	ent, e := s.sess.get(*cr.Session)
	if e != nil {
		writeError(w, e)
		return
	}
	defer s.sess.put(ent)
	ctx, cancel := s.requestContext(r)
	defer cancel()
	select { // the session's questions run one at a time; wait without a slot
	case ent.turn <- struct{}{}:
		defer func() { <-ent.turn }()
	case <-ctx.Done():
		s.cancelled(ctx, w, "while waiting for the session")
		return
	}
	release := s.admit(ctx, w)
	if release == nil {
		return
	}
	defer release()
	req := reqs[0]
	gen := func(ctx context.Context, onToken func(int, t5go.Token) error) ([]t5go.Result, error) {
		res, err := ent.s.Ask(ctx, req.Prompt, req, func(t t5go.Token) error { return onToken(0, t) })
		if err != nil && len(res.IDs) == 0 && res.Reason == "" {
			return nil, err
		}
		return []t5go.Result{res}, err
	}
	s.generate(ctx, w, cr, gen, 1, true)
}
