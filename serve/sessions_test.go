package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/t5go/t5go"
)

// sessionDoc is a document of 30 one-character tokens.
func sessionDoc() string {
	ids := make([]int32, 30)
	for i := range ids {
		ids[i] = int32(10 + i*7%400)
	}
	return spell(ids...)
}

type sessionBody struct {
	ID               string  `json:"id"`
	Object           string  `json:"object"`
	Created          int64   `json:"created"`
	EncoderTokens    int     `json:"encoder_tokens"`
	EncodeMS         float64 `json:"encode_ms"`
	MaxDecoderTokens int     `json:"max_decoder_tokens"`
}

// newSession posts a session and decodes the answer.
func newSession(t testing.TB, base string, req map[string]any) sessionBody {
	t.Helper()
	code, b := post(t, base+"/v1/sessions", req)
	if code != http.StatusOK {
		t.Fatalf("POST /v1/sessions: %d %s", code, b)
	}
	var s sessionBody
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return s
}

// apiErr posts (or sends with method) and returns the status and the error
// message.
func apiErr(t testing.TB, method, url string, body any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		if s, ok := body.(string); ok {
			b = []byte(s)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Message, Type string }
	}
	json.Unmarshal(b, &e)
	if resp.StatusCode != http.StatusOK && (e.Error.Message == "" || e.Error.Type == "") {
		t.Errorf("%s %s: %d %s: not an OpenAI error", method, url, resp.StatusCode, b)
	}
	return resp.StatusCode, e.Error.Message
}

// Questions to a session over HTTP, greedy and sampled, streaming or not,
// one after another or at once, answer what the library's Session.Ask
// answers, and what `t5go generate -f doc -p q` prints.
func TestSessionAnswersEqualLibrary(t *testing.T) {
	m, path := fixture(t, "b_text_sliding_batch")
	_, base := start(t, m, Options{Parallel: 2})
	doc := sessionDoc()
	got := newSession(t, base, map[string]any{"document": doc, "max_decoder_tokens": 40, "model": "x"})
	lib, err := m.NewSession(context.Background(), doc, nil, t5go.SessionOptions{MaxDecoderTokens: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if !strings.HasPrefix(got.ID, "sess-") || got.Object != "session" || got.EncoderTokens != lib.EncoderTokens() ||
		got.EncodeMS <= 0 || got.MaxDecoderTokens != 40 || got.Created == 0 {
		t.Errorf("session %+v, library %d encoder tokens", got, lib.EncoderTokens())
	}
	questions := []string{spell(50, 51), spell(60), spell(70, 71, 72)}
	type ask struct {
		q   string
		req map[string]any
		lib t5go.Request
	}
	var asks []ask
	for _, q := range questions {
		asks = append(asks, ask{q, map[string]any{"session": got.ID, "prompt": q, "max_tokens": 12, "temperature": 0},
			t5go.Request{MaxNewTokens: 12}})
	}
	asks = append(asks, ask{spell(80, 81), map[string]any{"session": got.ID, "prompt": spell(80, 81), "max_tokens": 16,
		"temperature": 1, "top_k": 40, "seed": 5, "stop": spell(99)},
		t5go.Request{MaxNewTokens: 16, Sampling: t5go.Sampling{Temperature: 1, TopK: 40, TopP: 1, Seed: 5}, Stop: []string{spell(99)}}})
	answers := make([]completionBody, len(asks))
	for i, a := range asks {
		want, err := lib.Ask(context.Background(), a.q, a.lib, nil)
		if err != nil {
			t.Fatal(err)
		}
		answers[i] = complete(t, base, a.req)
		c := answers[i].Choices[0]
		if c.Text != want.Text || answers[i].Usage.CompletionTokens != len(want.IDs) || answers[i].Usage.PromptTokens != lib.EncoderTokens() {
			t.Errorf("question %d: server %q (usage %+v), library %q (%d tokens)", i, c.Text, *answers[i].Usage, want.Text, len(want.IDs))
		}
		r := map[string]any{}
		for k, v := range a.req {
			r[k] = v
		}
		r["stream_options"] = map[string]any{"include_usage": true}
		chunks := streamed(t, base, r)
		var text strings.Builder
		for _, ch := range chunks[:len(chunks)-2] {
			text.WriteString(ch.Choices[0].Text)
		}
		fin, use := chunks[len(chunks)-2], chunks[len(chunks)-1]
		if text.String() != c.Text || *fin.Choices[0].FinishReason != *c.FinishReason || *use.Usage != *answers[i].Usage {
			t.Errorf("question %d streamed: %q %s %+v; non-streaming %q %s %+v", i, text.String(), *fin.Choices[0].FinishReason,
				*use.Usage, c.Text, *c.FinishReason, *answers[i].Usage)
		}
	}
	// Asked at once (two slots), each still gets its own answer.
	var wg sync.WaitGroup
	for i, a := range asks {
		wg.Go(func() {
			if c := complete(t, base, a.req); c.Choices[0].Text != answers[i].Choices[0].Text {
				t.Errorf("question %d asked at once: %q, alone %q", i, c.Choices[0].Text, answers[i].Choices[0].Text)
			}
		})
	}
	wg.Wait()

	// The CLI's encode-once path gives the same greedy answers.
	file := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"generate", "-m", path, "-f", file, "-n", "12", "--temp", "0", "-t", "1", "--json"}
	for _, q := range questions[:2] {
		args = append(args, "-p", q)
	}
	out, err := exec.Command(t5goBinary(t), args...).Output()
	if err != nil {
		t.Fatalf("t5go generate -f: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for i := range 2 {
		var cli struct{ Text string }
		if err := dec.Decode(&cli); err != nil {
			t.Fatalf("CLI answer %d: %v in %s", i, err, out)
		}
		if cli.Text != answers[i].Choices[0].Text {
			t.Errorf("question %d: server %q, CLI %q", i, answers[i].Choices[0].Text, cli.Text)
		}
	}
}

// Unknown, deleted, evicted and expired ids are 404 with a message that says
// which; GET /v1/sessions lists the live ones; /metrics counts them.
func TestSessionLifecycle(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{MaxSessions: 2, SessionTTL: time.Hour})
	doc := sessionDoc()
	ask := func(id string) (int, string) {
		return apiErr(t, http.MethodPost, base+"/v1/completions", map[string]any{"session": id, "prompt": spell(5), "max_tokens": 2})
	}
	if code, msg := ask("sess-nope"); code != 404 || !strings.Contains(msg, `no session "sess-nope"`) {
		t.Errorf("unknown id: %d %q", code, msg)
	}
	a := newSession(t, base, map[string]any{"document": doc})
	b := newSession(t, base, map[string]any{"document": doc + spell(3)})
	if code, msg := ask(a.ID); code != 200 { // b is now the least recently used
		t.Fatalf("ask a: %d %s", code, msg)
	}
	c := newSession(t, base, map[string]any{"document": doc + spell(4)})
	if code, msg := ask(b.ID); code != 404 || !strings.Contains(msg, "was closed to make room for a newer one (the server keeps at most 2 sessions)") {
		t.Errorf("evicted id: %d %q", code, msg)
	}
	for _, id := range []string{a.ID, c.ID} {
		if code, msg := ask(id); code != 200 {
			t.Errorf("live session %s: %d %s", id, code, msg)
		}
	}
	resp, err := http.Get(base + "/v1/sessions")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Object string
		Data   []struct {
			ID            string  `json:"id"`
			EncoderTokens int     `json:"encoder_tokens"`
			IdleSeconds   float64 `json:"idle_seconds"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Data) != 2 || list.Data[0].ID != c.ID || list.Data[1].ID != a.ID || list.Data[0].EncoderTokens != 32 || list.Data[1].IdleSeconds <= 0 {
		t.Errorf("GET /v1/sessions: %+v; want %s then %s", list, c.ID, a.ID)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"t5go_sessions 2\n", "t5go_session_encodes_total 3\n", "t5go_sessions_capacity 2\n",
		`t5go_requests_total{endpoint="/v1/sessions",code="200"} `, `t5go_requests_total{endpoint="/v1/completions",code="404"} 2`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// Every session busy: a new one is refused, none is closed.
	for _, id := range []string{a.ID, c.ID} {
		e, ae := srv.sess.get(id)
		if ae != nil {
			t.Fatal(ae)
		}
		defer srv.sess.put(e)
	}
	if code, msg := apiErr(t, http.MethodPost, base+"/v1/sessions", map[string]any{"document": doc}); code != 503 || !strings.Contains(msg, "all 2 sessions are in use") {
		t.Errorf("all busy: %d %q", code, msg)
	}

	if code, msg := apiErr(t, http.MethodDelete, base+"/v1/sessions/"+a.ID, nil); code != 200 {
		t.Errorf("DELETE: %d %s", code, msg)
	}
	if code, msg := ask(a.ID); code != 404 || !strings.Contains(msg, "was deleted") {
		t.Errorf("ask after DELETE: %d %q", code, msg)
	}
	if code, msg := apiErr(t, http.MethodDelete, base+"/v1/sessions/"+a.ID, nil); code != 404 || !strings.Contains(msg, "was deleted") {
		t.Errorf("DELETE twice: %d %q", code, msg)
	}
	srv.Close()
	if code, msg := ask(c.ID); code != 404 || !strings.Contains(msg, "shut down") {
		t.Errorf("ask after Close: %d %q", code, msg)
	}
	if code, msg := apiErr(t, http.MethodPost, base+"/v1/sessions", map[string]any{"document": doc}); code != 503 {
		t.Errorf("create after Close: %d %q", code, msg)
	}
}

// A session idle for the TTL is closed by its timer.
func TestSessionExpires(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{SessionTTL: 30 * time.Millisecond})
	s := newSession(t, base, map[string]any{"document": sessionDoc()})
	for deadline := time.Now().Add(5 * time.Second); srv.sess.count() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	code, msg := apiErr(t, http.MethodPost, base+"/v1/completions", map[string]any{"session": s.ID, "prompt": spell(5)})
	if code != 404 || !strings.Contains(msg, "expired after 30ms idle") {
		t.Errorf("expired session: %d %q", code, msg)
	}
}

// Creating a session takes a slot: with the slot taken and no queue, 503.
func TestSessionQueueFull(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{Queue: -1})
	release, err := srv.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if code, msg := apiErr(t, http.MethodPost, base+"/v1/sessions", map[string]any{"document": "x"}); code != 503 || !strings.Contains(msg, "queue is full") {
		t.Errorf("queue full: %d %q", code, msg)
	}
	if srv.sess.count() != 0 {
		t.Error("a refused session was stored")
	}
}

// Bad session requests are 400 (405 for a wrong method) and say what was
// wrong.
func TestSessionBadRequests(t *testing.T) {
	m, _ := fixture(t, "c_multimodal")
	_, base := start(t, m, Options{})
	_, off := start(t, m, Options{MaxSessions: -1})
	s := newSession(t, base, map[string]any{"document": sessionDoc(), "max_decoder_tokens": 8})
	img := "data:image/png;base64,iVBORw0KGgo="
	ctxLen := m.Config().Enc.Context
	long := strings.Repeat(spell(9), ctxLen)
	for _, tc := range []struct {
		name   string
		method string // default POST
		path   string // default /v1/sessions
		body   any
		url    string // default base
		code   int
		want   string
	}{
		{name: "no document", body: `{"max_decoder_tokens":8}`, code: 400, want: "document is required"},
		{name: "empty document", body: `{"document":"  "}`, code: 400, want: "document is empty"},
		{name: "document a number", body: `{"document":5}`, code: 400, want: "document: got the number, want a string"},
		{name: "max_decoder_tokens a string", body: `{"document":"x","max_decoder_tokens":"many"}`, code: 400, want: "max_decoder_tokens: got a string, want an integer"},
		{name: "max_decoder_tokens 1", body: `{"document":"x","max_decoder_tokens":1}`, code: 400, want: "max_decoder_tokens 1: must be between 2 and"},
		{name: "huge max_decoder_tokens", body: `{"document":"x","max_decoder_tokens":100000000}`, code: 400, want: "max_decoder_tokens 100000000: must be between 2 and"},
		{name: "unknown field", body: `{"document":"x","prompt":"y"}`, code: 400, want: `unknown field "prompt"`},
		{name: "image without placeholder", body: map[string]any{"document": "x", "images": []string{img}}, code: 400, want: "1 images for 0 <start_of_image> placeholders in document"},
		{name: "document past the context", body: map[string]any{"document": long}, code: 400, want: fmt.Sprintf("the document is %d tokens, past the model's encoder context of %d", ctxLen+1, ctxLen)},
		{name: "sessions off", url: off, body: `{"document":"x"}`, code: 400, want: "sessions are off on this server"},
		{name: "images with a session", path: "/v1/completions", body: map[string]any{"session": s.ID, "prompt": "x", "images": []string{img}}, code: 400, want: "images cannot go with a session"},
		{name: "empty session", path: "/v1/completions", body: `{"session":"","prompt":"x"}`, code: 400, want: "session is empty"},
		{name: "session a number", path: "/v1/completions", body: `{"session":5,"prompt":"x"}`, code: 400, want: "session: got the number, want a string"},
		{name: "several questions", path: "/v1/completions", body: map[string]any{"session": s.ID, "prompt": []string{"x", "y"}}, code: 400, want: "prompt is one question (a string), not 2"},
		{name: "no question", path: "/v1/completions", body: map[string]any{"session": s.ID}, code: 400, want: "prompt is required"},
		{name: "question past the session", path: "/v1/completions", body: map[string]any{"session": s.ID, "prompt": spell(40, 41), "max_tokens": 6}, code: 400, want: "question (2 tokens) plus 6 new tokens exceed the session's 8 decoder tokens"},
		{name: "bad temperature", path: "/v1/completions", body: map[string]any{"session": s.ID, "prompt": "x", "temperature": -1}, code: 400, want: "temperature -1: must be at least 0"},
		{name: "unknown session", path: "/v1/completions", body: map[string]any{"session": "sess-0", "prompt": "x"}, code: 404, want: `no session "sess-0"`},
		{name: "GET one session", method: "GET", path: "/v1/sessions/" + s.ID, code: 405, want: "use DELETE"},
		{name: "PUT sessions", method: "PUT", body: `{}`, code: 405, want: "use GET or POST"},
		{name: "DELETE unknown", method: "DELETE", path: "/v1/sessions/sess-0", code: 404, want: `no session "sess-0"`},
		{name: "nested path", method: "DELETE", path: "/v1/sessions/a/b", code: 404, want: "no endpoint /v1/sessions/a/b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, path, url := tc.method, tc.path, tc.url
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/v1/sessions"
			}
			if url == "" {
				url = base
			}
			code, msg := apiErr(t, method, url+path, tc.body)
			if code != tc.code || !strings.Contains(msg, tc.want) {
				t.Errorf("%d %q, want %d with %q", code, msg, tc.code, tc.want)
			}
			t.Logf("| %s | %d | %s |", tc.name, code, clip(msg, 160))
		})
	}
	// The session still answers.
	complete(t, base, map[string]any{"session": s.ID, "prompt": spell(3), "max_tokens": 2})
}

// `t5go serve` passes --max-sessions and --session-ttl to the server.
func TestServeCommandSessions(t *testing.T) {
	bin := t5goBinary(t)
	path := fixtureFile(t, "a_text_short")
	cmd := exec.Command(bin, "serve", "-m", path, "--port", "0", "-t", "1", "--max-sessions", "1", "--session-ttl", "1h")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stderr).ReadString('\n')
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if addr == "" || !strings.Contains(line, "sessions 1 idle 1h0m0s") {
		t.Fatalf("first line %q (%v)", line, err)
	}
	a := newSession(t, addr, map[string]any{"document": sessionDoc()})
	newSession(t, addr, map[string]any{"document": sessionDoc()})
	code, msg := apiErr(t, http.MethodPost, addr+"/v1/completions", map[string]any{"session": a.ID, "prompt": spell(5)})
	if code != 404 || !strings.Contains(msg, "at most 1 sessions") {
		t.Errorf("first of two sessions with --max-sessions 1: %d %q", code, msg)
	}
}
