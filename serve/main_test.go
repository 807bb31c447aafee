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
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/internal/testcase"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

var binDir string // holds the t5go binary, built once on demand

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "t5go-serve-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
)

// t5goBinary builds cmd/t5go once for the tests that run it as a process.
func t5goBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(binDir, "t5go")
	buildOnce.Do(func() {
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if p, err := exec.LookPath("go"); err == nil {
			gobin = p
		}
		out, err := exec.Command(gobin, "build", "-o", bin, "github.com/t5go/t5go/cmd/t5go").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build cmd/t5go: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// fixtureFile converts golden case name (with the one-character-per-id
// tokenizer) to a GGUF file.
func fixtureFile(t testing.TB, name string) string {
	t.Helper()
	dir := testcase.Unpack(t, name)
	testcase.TinyTokenizer(t, dir, 500) // 500: an id used as "\n", which no test prompt needs
	path := filepath.Join(t.TempDir(), name+".gguf")
	if err := t5gemma.Convert(context.Background(), dir, path, t5gemma.ConvertOptions{Type: tensor.F32}); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixture loads a converted golden case.
func fixture(t testing.TB, name string) (*t5go.Model, string) {
	t.Helper()
	path := fixtureFile(t, name)
	m, err := t5go.Load(path, t5go.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, path
}

// start serves m on a loopback port and returns the server and its base URL.
func start(t testing.TB, m *t5go.Model, opt Options) (*Server, string) {
	t.Helper()
	srv, err := New(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return srv, serveHandler(t, srv)
}

// serveHandler serves h on a loopback port until the test ends.
func serveHandler(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// spell writes a prompt of the tiny tokenizer's one-character tokens.
func spell(ids ...int32) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(testcase.Spell(id))
	}
	return b.String()
}

// post sends body as JSON and returns the status and response body.
func post(t testing.TB, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	resp, err := http.Post(url, "application/json", r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// completionBody is the response (or a stream chunk) as a client sees it.
type completionBody struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Text         string  `json:"text"`
		Index        int     `json:"index"`
		Logprobs     any     `json:"logprobs"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

// complete posts a non-streaming completion and decodes the answer.
func complete(t testing.TB, base string, req map[string]any) completionBody {
	t.Helper()
	code, b := post(t, base+"/v1/completions", req)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, b)
	}
	var c completionBody
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return c
}

// readStream reads server-sent events up to [DONE]: the chunks, and whether
// [DONE] came.
func readStream(r io.Reader) ([]completionBody, bool, error) {
	var chunks []completionBody
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			return chunks, false, fmt.Errorf("line %q is not a data line", line)
		}
		if data == "[DONE]" {
			return chunks, true, nil
		}
		var c completionBody
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return chunks, false, fmt.Errorf("chunk %q: %v", data, err)
		}
		chunks = append(chunks, c)
	}
	return chunks, false, sc.Err()
}

// streamed posts a streaming completion and returns its chunks.
func streamed(t testing.TB, base string, req map[string]any) []completionBody {
	t.Helper()
	req["stream"] = true
	b, _ := json.Marshal(req)
	resp, err := http.Post(base+"/v1/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d, %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	chunks, done, err := readStream(resp.Body)
	if err != nil || !done {
		t.Fatalf("stream: done %v, %v", done, err)
	}
	return chunks
}
