package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/serve"
)

func init() {
	register("serve", "serve an OpenAI-compatible HTTP API (completions, embeddings)", runServe)
}

const serveHelp = `usage: t5go serve -m model.gguf [--host 127.0.0.1] [--port 8080] [--parallel N] [flags]

Serves the model over HTTP with OpenAI's API:

  POST /v1/completions   prompt, max_tokens, temperature, top_p, stop, seed, stream (server-sent events)
                         extensions: top_k, min_p, repeat_penalty, and "images": ["data:image/png;base64,..."]
                         with one <start_of_image> in the prompt per image
  POST /v1/embeddings    input (string or array of strings): the encoder's mean-pooled hidden states
  POST /v1/sessions      document (and images): encode once, answer {"id":"sess-..."}; then completions
                         with "session": id ask questions about it running only the decoder
  GET  /v1/sessions, DELETE /v1/sessions/{id}
  GET  /v1/models, GET /health, GET /metrics (Prometheus text format)

N requests run at once and up to --queue more wait; beyond that the server answers 503 with
Retry-After. At most --max-sessions encoded documents are kept (a new one closes the least
recently used idle one) and each is closed after --session-ttl idle. It listens on loopback unless --host says otherwise. SIGTERM or Ctrl-C stops accepting
requests and finishes the ones admitted; a second signal closes at once.

example:
  t5go serve -m model.gguf --parallel 2
  curl -s localhost:8080/v1/completions -d '{"prompt":"Translate to German: The house is small.","max_tokens":32}'
  curl -s localhost:8080/v1/sessions -d "$(jq -n --rawfile d article.txt '{document: $d}')"
  curl -s localhost:8080/v1/completions -d '{"session":"sess-...","prompt":"Who wrote it?","max_tokens":32}'

flags:
`

func runServe(args []string) error {
	fs := newFlags("serve", "")
	fs.Usage = func() { fmt.Fprint(fs.Output(), serveHelp); fs.PrintDefaults() } // Output: silent on flag errors
	model := fs.String("m", "", "model `file` (GGUF from t5go convert or t5go synth)")
	host := fs.String("host", "127.0.0.1", "address to listen on (0.0.0.0: every interface)")
	port := fs.Int("port", 8080, "TCP port (0: any free port, printed at start)")
	parallel := fs.Int("parallel", 1, "requests generating at once")
	queue := fs.Int("queue", 0, "requests waiting for a slot before 503 (default 4 × --parallel; -1: none)")
	maxBody := fs.Int64("max-body", 16<<20, "largest request body in `bytes` (images come base64 inside it)")
	timeout := fs.Duration("timeout", 5*time.Minute, "per-request limit, queue wait included (-1s: none)")
	maxTokens := fs.Int("max-tokens", 4096, "largest max_tokens a request may ask for")
	maxSessions := fs.Int("max-sessions", 4, "encoded documents kept for questions at once (0: sessions off)")
	sessionTTL := fs.Duration("session-ttl", 10*time.Minute, "close a session idle this long (-1s: never)")
	name := fs.String("name", "", "model name in responses (default: the file name without .gguf)")
	threads := fs.Int("t", 0, "threads (default: all cores)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	case *model == "":
		return usageError{"missing -m model file"}
	case *port < 0 || *port > 65535:
		return usageError{fmt.Sprintf("--port %d: want 0-65535", *port)}
	case *parallel < 1:
		return usageError{fmt.Sprintf("--parallel %d: want at least 1", *parallel)}
	case *maxBody < 1:
		return usageError{fmt.Sprintf("--max-body %d: want a positive number of bytes", *maxBody)}
	case *timeout == 0:
		return usageError{"--timeout 0: want a duration such as 30s or 5m (-1s: none)"}
	case *maxTokens < 1:
		return usageError{fmt.Sprintf("--max-tokens %d: want at least 1", *maxTokens)}
	case *maxSessions < 0:
		return usageError{fmt.Sprintf("--max-sessions %d: want 0 (off) or more", *maxSessions)}
	case *sessionTTL == 0:
		return usageError{"--session-ttl 0: want a duration such as 10m (-1s: never)"}
	}
	if *maxSessions == 0 {
		*maxSessions = -1 // serve.Options: negative is off, 0 the default
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(*model), ".gguf")
	}

	m, err := t5go.Load(*model, t5go.Options{Threads: *threads})
	if err != nil {
		return err
	}
	defer m.Close()
	srv, err := serve.New(m, serve.Options{Model: *name, Parallel: *parallel, Queue: *queue, MaxBody: *maxBody,
		Timeout: *timeout, MaxTokens: *maxTokens, MaxSessions: *maxSessions, SessionTTL: *sessionTTL})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	opt := srv.Options()
	if ip := net.ParseIP(*host); *host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(os.Stderr, "t5go serve: warning: listening on %s, not loopback: anyone who can reach this address can use the model\n", *host)
	}
	fmt.Fprintf(os.Stderr, "t5go serve: %s on http://%s (parallel %d, queue %d, max body %d bytes, timeout %v, sessions %d idle %v, %s, %d threads)\n",
		opt.Model, ln.Addr(), opt.Parallel, opt.Queue, opt.MaxBody, opt.Timeout, opt.MaxSessions, opt.SessionTTL, m.Kernels(), m.Threads())

	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	var got os.Signal
	select {
	case err := <-served:
		return err
	case got = <-sig:
	}

	// Graceful shutdown: stop accepting, let admitted requests finish.
	running, queued := srv.Busy()
	fmt.Fprintf(os.Stderr, "t5go serve: %v: finishing %d running and %d queued requests (again to stop at once)\n", got, running, queued)
	srv.Drain()
	ctx := context.Background()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout+10*time.Second)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer srv.Close() // after the answers: free the sessions' caches
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close()
		return fmt.Errorf("shutdown cut short, requests still running were dropped: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(os.Stderr, "t5go serve: stopped")
	return nil
}
