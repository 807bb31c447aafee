package serve

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/t5go/t5go"
)

// metrics are the server's counters, written in Prometheus' text format.
type metrics struct {
	start time.Time

	mu        sync.Mutex
	requests  map[reqKey]uint64
	durations map[string]*summary // per endpoint
	prompt    uint64              // encoder tokens of completions
	generated uint64              // completion tokens (EOS not counted)
	embedded  uint64              // encoder tokens of embeddings
	encodes   uint64              // sessions created
	decodeSec float64             // time spent decoding, summed over requests
	recent    [rateWindow]bucket  // generated tokens per second, for the rate gauge
}

type reqKey struct {
	endpoint string
	code     int
}

type summary struct {
	sum   float64
	count uint64
}

// bucket counts the tokens of one second.
type bucket struct {
	sec int64
	n   uint64
}

// rateWindow is how many seconds the tokens/s gauge averages over.
const rateWindow = 10

func newMetrics() *metrics {
	return &metrics{start: time.Now(), requests: map[reqKey]uint64{}, durations: map[string]*summary{}}
}

func (m *metrics) request(endpoint string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{endpoint, code}]++
	s := m.durations[endpoint]
	if s == nil {
		s = &summary{}
		m.durations[endpoint] = s
	}
	s.sum += d.Seconds()
	s.count++
}

// tokens counts n generated tokens now.
func (m *metrics) tokens(n int) {
	now := time.Now().Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.generated += uint64(n)
	b := &m.recent[now%rateWindow]
	if b.sec != now {
		*b = bucket{sec: now}
	}
	b.n += uint64(n)
}

// finished adds a completed generation's encoder tokens and decode time.
func (m *metrics) finished(t t5go.Timings) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prompt += uint64(t.EncoderTokens)
	m.decodeSec += t.Decode.Seconds()
}

func (m *metrics) embeddedTokens(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.embedded += uint64(n)
}

// sessionEncoded counts a session made from n encoder tokens.
func (m *metrics) sessionEncoded(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.encodes++
	m.prompt += uint64(n)
}

// gauges are the instantaneous values the server passes in.
type gauges struct{ slots, running, queued, queueCap, sessions, sessionCap int }

func (m *metrics) write(w io.Writer, g gauges) {
	now := time.Now()
	m.mu.Lock()
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reqKey) int {
		if c := strings.Compare(a.endpoint, b.endpoint); c != 0 {
			return c
		}
		return a.code - b.code
	})
	var b strings.Builder
	head := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	head("t5go_requests_total", "counter", "Requests answered, by endpoint and status code (499: the client disconnected first).")
	for _, k := range keys {
		fmt.Fprintf(&b, "t5go_requests_total{endpoint=%q,code=\"%d\"} %d\n", k.endpoint, k.code, m.requests[k])
	}
	head("t5go_request_duration_seconds", "summary", "Time from arrival to the end of the answer, queue wait included.")
	eps := make([]string, 0, len(m.durations))
	for e := range m.durations {
		eps = append(eps, e)
	}
	slices.Sort(eps)
	for _, e := range eps {
		s := m.durations[e]
		fmt.Fprintf(&b, "t5go_request_duration_seconds_sum{endpoint=%q} %g\n", e, s.sum)
		fmt.Fprintf(&b, "t5go_request_duration_seconds_count{endpoint=%q} %d\n", e, s.count)
	}
	head("t5go_prompt_tokens_total", "counter", "Encoder tokens of finished completions and of sessions (counted once, when encoded).")
	fmt.Fprintf(&b, "t5go_prompt_tokens_total %d\n", m.prompt)
	head("t5go_completion_tokens_total", "counter", "Generated tokens (end-of-sequence not counted).")
	fmt.Fprintf(&b, "t5go_completion_tokens_total %d\n", m.generated)
	head("t5go_embedding_tokens_total", "counter", "Encoder tokens of embedding inputs.")
	fmt.Fprintf(&b, "t5go_embedding_tokens_total %d\n", m.embedded)
	head("t5go_session_encodes_total", "counter", "Sessions created (documents encoded once for several questions).")
	fmt.Fprintf(&b, "t5go_session_encodes_total %d\n", m.encodes)
	head("t5go_decode_seconds_total", "counter", "Time finished completions spent decoding, summed over requests.")
	fmt.Fprintf(&b, "t5go_decode_seconds_total %g\n", m.decodeSec)
	var n uint64
	for _, bk := range m.recent {
		if now.Unix()-bk.sec < rateWindow {
			n += bk.n
		}
	}
	window := min(now.Sub(m.start).Seconds(), rateWindow)
	m.mu.Unlock()
	head("t5go_tokens_per_second", "gauge", fmt.Sprintf("Generated tokens per second over the last %d seconds, all requests together.", rateWindow))
	fmt.Fprintf(&b, "t5go_tokens_per_second %g\n", float64(n)/max(window, 1))
	head("t5go_slots", "gauge", "Requests that can run at once (--parallel).")
	fmt.Fprintf(&b, "t5go_slots %d\n", g.slots)
	head("t5go_requests_running", "gauge", "Requests holding a slot.")
	fmt.Fprintf(&b, "t5go_requests_running %d\n", g.running)
	head("t5go_queue_depth", "gauge", "Requests waiting for a slot.")
	fmt.Fprintf(&b, "t5go_queue_depth %d\n", g.queued)
	head("t5go_queue_capacity", "gauge", "Requests that may wait before new ones are refused with 503.")
	fmt.Fprintf(&b, "t5go_queue_capacity %d\n", g.queueCap)
	head("t5go_sessions", "gauge", "Live sessions (encoded documents held in memory).")
	fmt.Fprintf(&b, "t5go_sessions %d\n", g.sessions)
	head("t5go_sessions_capacity", "gauge", "Sessions kept at once (--max-sessions).")
	fmt.Fprintf(&b, "t5go_sessions_capacity %d\n", g.sessionCap)
	head("t5go_uptime_seconds", "gauge", "Seconds since the server started.")
	fmt.Fprintf(&b, "t5go_uptime_seconds %g\n", now.Sub(m.start).Seconds())
	io.WriteString(w, b.String())
}
