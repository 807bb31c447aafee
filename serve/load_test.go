package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadRequest is stream i of a load: its own prompt and seed.
func loadRequest(i, maxTokens int) map[string]any {
	return map[string]any{"prompt": spell(int32(10+i%200), int32(11+i%7), 12), "max_tokens": maxTokens,
		"temperature": 1, "top_p": 0.95, "seed": 1000 + i}
}

// streamResult is what one client of a load saw.
type streamResult struct {
	status int
	id     string
	text   string
	reason string
	tokens int
	done   bool
	event  string // the message of an error event
	err    error
}

// streamOnce posts a streaming request and reads it to the end.
func streamOnce(ctx context.Context, base string, req map[string]any) streamResult {
	req["stream"] = true
	req["stream_options"] = map[string]any{"include_usage": true}
	b, _ := json.Marshal(req)
	hr, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/completions", bytes.NewReader(b))
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return streamResult{err: err}
	}
	defer resp.Body.Close()
	r := streamResult{status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		return r
	}
	chunks, done, err := readStream(resp.Body)
	r.done, r.err = done, err
	var text strings.Builder
	for k, c := range chunks {
		if k == 0 {
			r.id = c.ID
		}
		if c.ID != r.id && c.Error == nil {
			r.err = fmt.Errorf("chunk %d has id %s, the stream's is %s", k, c.ID, r.id)
		}
		if c.Error != nil {
			r.event = c.Error.Message
		}
		if c.Usage != nil {
			r.tokens = c.Usage.CompletionTokens
		}
		for _, ch := range c.Choices {
			text.WriteString(ch.Text)
			if ch.FinishReason != nil {
				r.reason = *ch.FinishReason
			}
		}
	}
	r.text = text.String()
	return r
}

// soloResults answers each request alone, without streaming.
func soloResults(t *testing.T, base string, n, maxTokens int) []completionBody {
	want := make([]completionBody, n)
	for i := range want {
		want[i] = complete(t, base, loadRequest(i, maxTokens))
	}
	return want
}

// 64 concurrent streams with different seeds all complete, each equal to its
// request's answer alone, with its own id in every chunk.
func TestLoad64Streams(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{Parallel: 4, Queue: 60})
	const n, maxTokens = 64, 32
	want := soloResults(t, base, n, maxTokens)
	got := make([]streamResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i] = streamOnce(context.Background(), base, loadRequest(i, maxTokens)) })
	}
	wg.Wait()
	ids := map[string]int{}
	for i, g := range got {
		w := want[i]
		if g.err != nil || g.status != http.StatusOK || !g.done {
			t.Errorf("stream %d: status %d, done %v, %v", i, g.status, g.done, g.err)
			continue
		}
		if g.text != w.Choices[0].Text || g.reason != *w.Choices[0].FinishReason || g.tokens != w.Usage.CompletionTokens {
			t.Errorf("stream %d: %q (%s, %d tokens), alone %q (%s, %d)", i, g.text, g.reason, g.tokens,
				w.Choices[0].Text, *w.Choices[0].FinishReason, w.Usage.CompletionTokens)
		}
		if j, dup := ids[g.id]; dup {
			t.Errorf("streams %d and %d share id %s", j, i, g.id)
		}
		ids[g.id] = i
	}
	waitBusy(t, srv, 0, 0) // a handler may still be returning after its [DONE]
}

// holdWrites makes every response write after the first wait until release
// is closed or the client goes away: a stream that has sent its first token
// then holds its slot, as a slow generation would.
func holdWrites(h http.Handler, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&heldWriter{ResponseWriter: w, ctx: r.Context(), release: release}, r)
	})
}

type heldWriter struct {
	http.ResponseWriter
	ctx     context.Context
	release <-chan struct{}
	writes  int
}

func (w *heldWriter) Write(b []byte) (int, error) {
	if w.writes++; w.writes > 1 {
		select {
		case <-w.release:
		case <-w.ctx.Done():
			return 0, w.ctx.Err()
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// firstChunk starts a stream and returns once its first token arrived (it
// holds a slot then), with a function that disconnects it.
func firstChunk(t *testing.T, base string, req map[string]any) (disconnect func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req["stream"] = true
	b, _ := json.Marshal(req)
	hr, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/completions", bytes.NewReader(b))
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resp.Body.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	return func() { cancel(); resp.Body.Close() }
}

// waitBusy polls until the server has running and queued requests.
func waitBusy(t *testing.T, srv *Server, running, queued int) {
	t.Helper()
	for range 500 {
		if r, q := srv.Busy(); r == running && q == queued {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	r, q := srv.Busy()
	t.Fatalf("%d running, %d queued; want %d and %d", r, q, running, queued)
}

// With the slot and the queue taken, a request is refused with 503 and
// Retry-After; a disconnecting stream and a disconnecting waiter free their
// places at once.
func TestQueueFullAndDisconnects(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, err := New(m, Options{Parallel: 1, Queue: 1})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	base := serveHandler(t, holdWrites(srv, release))

	holder := firstChunk(t, base, loadRequest(1, 1000))
	waitBusy(t, srv, 1, 0)
	ctx, cancelWaiter := context.WithCancel(context.Background())
	waiterDone := make(chan streamResult)
	go func() { waiterDone <- streamOnce(ctx, base, loadRequest(2, 4)) }()
	waitBusy(t, srv, 1, 1)

	code, body := post(t, base+"/v1/completions", loadRequest(3, 4))
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "the queue is full") {
		t.Errorf("a third request: %d %s", code, body)
	}
	resp, err := http.Post(base+"/v1/completions", "application/json", strings.NewReader(`{"prompt":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("queue full: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	cancelWaiter() // a waiter that leaves frees its queue place
	<-waiterDone
	waitBusy(t, srv, 1, 0)
	holder() // a stream that leaves frees its slot
	waitBusy(t, srv, 0, 0)
	got := complete(t, base, map[string]any{"prompt": spell(5, 6), "max_tokens": 3})
	if len(got.Choices) != 1 {
		t.Errorf("after the disconnects: %+v", got)
	}
	if metrics, missing := waitMetrics(t, base, `code="499"} 2`, `code="503"} 2`); len(missing) > 0 {
		t.Errorf("metrics lack %q:\n%s", missing, metrics)
	}
}

// A client that leaves a real (unheld) generation mid-stream stops it: the
// slot is free long before the 4000 tokens it asked for (greedy decoding of
// this prompt runs to the limit) and few of them were generated.
func TestDisconnectStopsGeneration(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{})
	leave := firstChunk(t, base, map[string]any{"prompt": spell(10, 11, 12), "max_tokens": 4000, "temperature": 0})
	leave()
	waitBusy(t, srv, 0, 0)
	_, metrics := get(t, base+"/metrics")
	var generated int
	for _, line := range strings.Split(metrics, "\n") {
		if n, ok := strings.CutPrefix(line, "t5go_completion_tokens_total "); ok {
			generated, _ = strconv.Atoi(n)
		}
	}
	if generated == 0 || generated >= 4000 || !strings.Contains(metrics, `code="499"} 1`) {
		t.Errorf("%d tokens generated after the disconnect; metrics:\n%s", generated, metrics)
	}
	t.Logf("the stream stopped after %d of 4000 tokens", generated)
}

// A request past the server's deadline: a stream ends with an error event
// and no [DONE]; a request still queued gets 503.
func TestTimeouts(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, err := New(m, Options{Parallel: 1, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	base := serveHandler(t, holdWrites(srv, release))
	streamDone := make(chan streamResult)
	go func() { streamDone <- streamOnce(context.Background(), base, loadRequest(1, 1000)) }()
	waitBusy(t, srv, 1, 0)
	code, body := post(t, base+"/v1/completions", loadRequest(2, 4))
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "longer than the server's limit of 200ms while waiting for a slot") {
		t.Errorf("queued past the deadline: %d %s", code, body)
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	r := <-streamDone
	if r.status != http.StatusOK || r.done || r.err != nil || !strings.Contains(r.event, "longer than the server's limit of 200ms") {
		t.Errorf("stream past the deadline: status %d, done %v, error event %q, %v", r.status, r.done, r.event, r.err)
	}
	waitBusy(t, srv, 0, 0)

	// A body that trickles in is cut off at the deadline with 408.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /v1/completions HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"prompt\":")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), "did not arrive within the server's limit of 200ms") {
		t.Errorf("a slow body: %d %s", resp.StatusCode, b)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// BenchmarkLoad64Streams: one op is 64 concurrent streaming requests (32
// tokens at most, sampled, own seeds) over loopback HTTP; it reports
// requests/s and generated tokens/s at each --parallel.
func BenchmarkLoad64Streams(b *testing.B) {
	m, _ := fixture(b, "a_text_short")
	for _, parallel := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			_, base := start(b, m, Options{Parallel: parallel, Queue: 64})
			const n = 64
			tokens := 0
			start := time.Now()
			for b.Loop() {
				got := make([]streamResult, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() { got[i] = streamOnce(context.Background(), base, loadRequest(i, 32)) })
				}
				wg.Wait()
				for i, g := range got {
					if !g.done {
						b.Fatalf("stream %d: status %d, %v", i, g.status, g.err)
					}
					tokens += g.tokens
				}
			}
			s := time.Since(start).Seconds()
			b.ReportMetric(float64(n*b.N)/s, "req/s")
			b.ReportMetric(float64(tokens)/s, "tok/s")
		})
	}
}
