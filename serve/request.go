package serve

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/imageproc"
)

// apiError is an error answered in OpenAI's shape.
type apiError struct {
	status int
	typ    string // invalid_request_error, server_error, ...
	param  string // the offending field, if one
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: param, msg: fmt.Sprintf(format, args...)}
}

// body is the error's JSON object: {"message", "type", "param", "code"}.
func (e *apiError) body() map[string]any {
	var param any
	if e.param != "" {
		param = e.param
	}
	return map[string]any{"message": e.msg, "type": e.typ, "param": param, "code": nil}
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]any{"error": e.body()})
}

// decodeBody reads a JSON object into v (a pointer to a struct), refusing
// bodies over the limit or slower than the timeout, unknown fields and
// trailing data with messages that name what was wrong.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) *apiError {
	limit := s.opt.MaxBody
	tooBig := &apiError{status: http.StatusRequestEntityTooLarge, typ: "invalid_request_error",
		msg: fmt.Sprintf("the request body is larger than the server's limit of %d bytes", limit)}
	if r.ContentLength > limit {
		return tooBig
	}
	if s.opt.Timeout > 0 { // a client that trickles its body holds no slot, but a goroutine
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(s.opt.Timeout))
		defer rc.SetReadDeadline(time.Time{})
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return tooBig
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close") // or net/http waits for the rest of the body
		return &apiError{status: http.StatusRequestTimeout, typ: "timeout_error",
			msg: fmt.Sprintf("the request body did not arrive within the server's limit of %v", s.opt.Timeout)}
	case err != nil:
		return badRequest("", "reading the request body: %v", err)
	case len(bytes.TrimSpace(b)) == 0:
		return badRequest("", "the request body is empty; want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, b)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "malformed JSON: more data after the request object at byte %d", dec.InputOffset())
	}
	return nil
}

// jsonError turns encoding/json's errors into messages about the request.
func jsonError(err error, b []byte) *apiError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return badRequest("", "malformed JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: the body ends in the middle of a value (%d bytes)", len(b))
	case errors.As(err, &te):
		if te.Field == "" {
			return badRequest("", "the request body must be a JSON object, not %s", te.Value)
		}
		return badRequest(te.Field, "%s: got %s, want %s", te.Field, article(te.Value), kind(te.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return badRequest(strings.Trim(f, `"`), "unknown field %s", f)
	}
	return badRequest("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func article(v string) string {
	switch {
	case strings.HasPrefix(v, "number"):
		return "the " + v
	case v == "array" || v == "object":
		return "an " + v
	}
	return "a " + v
}

// kind names a Go type the way a JSON user thinks of it.
func kind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(kind(t.Elem()), "an "), "a ") + "s"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// strings1 reads a field that is a string or an array of strings (OpenAI's
// prompt, stop and input). Absent or null gives nil.
func strings1(param string, raw json.RawMessage, maxN int) ([]string, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, badRequest(param, "%s: %v", param, err)
		}
		return []string{one}, nil
	}
	var many []json.RawMessage
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, badRequest(param, "%s: want a string or an array of strings", param)
	}
	if len(many) > maxN {
		return nil, badRequest(param, "%s: %d entries; at most %d per request", param, len(many), maxN)
	}
	out := make([]string, len(many))
	for i, m := range many {
		m = bytes.TrimSpace(m)
		if len(m) > 0 && (m[0] == '[' || m[0] >= '0' && m[0] <= '9' || m[0] == '-') {
			return nil, badRequest(param, "%s[%d]: token id arrays are not supported; send text", param, i)
		}
		if err := json.Unmarshal(m, &out[i]); err != nil {
			return nil, badRequest(param, "%s[%d]: want a string", param, i)
		}
	}
	return out, nil
}

// dataImages decodes the "images" extension: base64 data URLs.
func dataImages(urls []string) ([]t5go.Image, *apiError) {
	var out []t5go.Image
	for i, u := range urls {
		name := fmt.Sprintf("images[%d]", i)
		lower := strings.ToLower(u)
		if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
			return nil, badRequest("images", "%s: the server does not fetch URLs; send a data URL (data:image/png;base64,...)", name)
		}
		meta, payload, ok := strings.Cut(u, ",")
		if !ok || !strings.HasPrefix(lower, "data:") || !strings.HasSuffix(strings.ToLower(meta), ";base64") {
			return nil, badRequest("images", "%s: want a base64 data URL (data:image/png;base64,...), got %q", name, clip(u, 40))
		}
		data, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return nil, badRequest("images", "%s: bad base64: %v", name, err)
		}
		if imageproc.Sniff(data) == imageproc.FormatUnknown {
			return nil, badRequest("images", "%s: not a PNG, JPEG, GIF or WebP image (%d bytes starting % x)", name, len(data), data[:min(len(data), 8)])
		}
		out = append(out, t5go.Image{Data: data, Name: name})
	}
	return out, nil
}

// splitImages gives each text the images of its placeholders, in order.
func splitImages(param string, texts []string, images []t5go.Image) ([][]t5go.Image, *apiError) {
	out := make([][]t5go.Image, len(texts))
	next := 0
	for i, t := range texts {
		n := strings.Count(t, t5go.ImagePlaceholder)
		if next+n > len(images) {
			return nil, badRequest("images", "%d images for %d %s placeholders in %s", len(images), placeholders(texts), t5go.ImagePlaceholder, param)
		}
		out[i] = images[next : next+n]
		next += n
	}
	if next != len(images) {
		return nil, badRequest("images", "%d images for %d %s placeholders in %s", len(images), next, t5go.ImagePlaceholder, param)
	}
	return out, nil
}

func placeholders(texts []string) int {
	n := 0
	for _, t := range texts {
		n += strings.Count(t, t5go.ImagePlaceholder)
	}
	return n
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// finite checks an optional number against [lo, hi].
func finite(param string, v *float64, lo, hi float64) *apiError {
	if v == nil {
		return nil
	}
	if math.IsNaN(*v) || *v < lo || *v > hi {
		if math.IsInf(hi, 1) {
			return badRequest(param, "%s %g: must be at least %g", param, *v, lo)
		}
		return badRequest(param, "%s %g: must be between %g and %g", param, *v, lo, hi)
	}
	return nil
}
