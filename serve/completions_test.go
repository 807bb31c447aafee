package serve

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/internal/testcase"
)

// A completion over HTTP has the same text as `t5go generate --json` for the
// same prompt, token limit, sampling and seed.
func TestCompletionEqualsCLI(t *testing.T) {
	m, path := fixture(t, "a_text_short")
	_, base := start(t, m, Options{Model: "tiny"})
	bin := t5goBinary(t)
	for _, tc := range []struct {
		name string
		req  map[string]any
		cli  []string
	}{
		{"greedy", map[string]any{"prompt": spell(40, 41, 42), "max_tokens": 12, "temperature": 0},
			[]string{"-p", spell(40, 41, 42), "-n", "12", "--temp", "0"}},
		{"sampled", map[string]any{"prompt": spell(10, 20, 30, 40), "max_tokens": 20, "temperature": 1, "seed": 7},
			[]string{"-p", spell(10, 20, 30, 40), "-n", "20", "--temp", "1", "--seed", "7"}},
		{"top_p", map[string]any{"prompt": spell(99, 98), "max_tokens": 16, "temperature": 0.8, "top_p": 0.9, "seed": 123},
			[]string{"-p", spell(99, 98), "-n", "16", "--temp", "0.8", "--top-p", "0.9", "--seed", "123"}},
		{"extensions", map[string]any{"prompt": spell(5, 6, 7), "max_tokens": 16, "temperature": 1.3, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.2, "seed": 9},
			[]string{"-p", spell(5, 6, 7), "-n", "16", "--temp", "1.3", "--top-k", "40", "--min-p", "0.05", "--repeat-penalty", "1.2", "--seed", "9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(bin, append([]string{"generate", "-m", path, "--json", "-t", "1"}, tc.cli...)...).Output()
			if err != nil {
				t.Fatalf("t5go generate: %v", err)
			}
			var cli struct {
				Text   string  `json:"text"`
				IDs    []int32 `json:"ids"`
				Reason string  `json:"stop_reason"`
			}
			if err := json.Unmarshal(out, &cli); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			got := complete(t, base, tc.req)
			c := got.Choices[0]
			if c.Text != cli.Text {
				t.Errorf("server %q, CLI %q", c.Text, cli.Text)
			}
			want := map[string]string{"eos": "stop", "stop": "stop", "length": "length"}[cli.Reason]
			if c.FinishReason == nil || *c.FinishReason != want || got.Usage.CompletionTokens != len(cli.IDs) {
				t.Errorf("finish_reason %v, %d tokens; CLI %q, %d tokens", c.FinishReason, got.Usage.CompletionTokens, cli.Reason, len(cli.IDs))
			}
			if got.Object != "text_completion" || !strings.HasPrefix(got.ID, "cmpl-") || got.Model != "tiny" || got.Created == 0 || c.Logprobs != nil {
				t.Errorf("response head: %+v", got)
			}
			if u := got.Usage; u.PromptTokens != 1+len([]rune(tc.req["prompt"].(string))) || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
				t.Errorf("usage %+v", *got.Usage)
			}
		})
	}
}

// Streaming yields the text of the non-streaming answer, one token per
// event, then a finish chunk, a usage chunk and [DONE].
func TestStreamEqualsNonStreaming(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	_, base := start(t, m, Options{})
	for seed := range 6 {
		req := func() map[string]any {
			return map[string]any{"prompt": spell(int32(10+seed), 11, 12), "max_tokens": 24, "temperature": 1, "seed": seed, "stop": "\n"}
		}
		want := complete(t, base, req())
		r := req()
		r["stream_options"] = map[string]any{"include_usage": true}
		chunks := streamed(t, base, r)
		var text strings.Builder
		n := len(chunks)
		if n < 2 {
			t.Fatalf("seed %d: %d chunks", seed, n)
		}
		for _, c := range chunks[:n-2] {
			if len(c.Choices) != 1 || c.Choices[0].FinishReason != nil || c.ID != chunks[0].ID || c.Object != "text_completion" {
				t.Fatalf("seed %d: token chunk %+v", seed, c)
			}
			if c.Choices[0].Text == "" || len([]rune(c.Choices[0].Text)) != 1 {
				t.Errorf("seed %d: chunk text %q, want one token's character", seed, c.Choices[0].Text)
			}
			text.WriteString(c.Choices[0].Text)
		}
		fin, use := chunks[n-2], chunks[n-1]
		if text.String() != want.Choices[0].Text {
			t.Errorf("seed %d: streamed %q, non-streaming %q", seed, text.String(), want.Choices[0].Text)
		}
		if len(fin.Choices) != 1 || fin.Choices[0].Text != "" || *fin.Choices[0].FinishReason != *want.Choices[0].FinishReason {
			t.Errorf("seed %d: finish chunk %+v, want reason %s", seed, fin, *want.Choices[0].FinishReason)
		}
		if len(use.Choices) != 0 || use.Usage == nil || *use.Usage != *want.Usage {
			t.Errorf("seed %d: usage chunk %+v, non-streaming usage %+v", seed, use, want.Usage)
		}
	}
}

// An array of prompts runs as one batch; each choice equals its prompt's
// answer alone.
func TestBatchPrompts(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	_, base := start(t, m, Options{})
	prompts := []string{spell(10, 11), spell(20, 21, 22, 23), spell(30)}
	got := complete(t, base, map[string]any{"prompt": prompts, "max_tokens": 10, "temperature": 0})
	if len(got.Choices) != len(prompts) {
		t.Fatalf("%d choices for %d prompts", len(got.Choices), len(prompts))
	}
	total := 0
	for i, p := range prompts {
		alone := complete(t, base, map[string]any{"prompt": p, "max_tokens": 10, "temperature": 0})
		if c := got.Choices[i]; c.Index != i || c.Text != alone.Choices[0].Text {
			t.Errorf("choice %d: %q (index %d), alone %q", i, c.Text, c.Index, alone.Choices[0].Text)
		}
		total += alone.Usage.TotalTokens
	}
	if got.Usage.TotalTokens != total {
		t.Errorf("batch usage %+v, alone %d tokens in all", got.Usage, total)
	}
}

// dataURL is a file as a base64 data URL.
func dataURL(t *testing.T, path string) (string, []byte) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b), b
}

// Images come as data URLs, one per placeholder; completions and embeddings
// equal the library's answers for the same bytes.
func TestImages(t *testing.T) {
	m, _ := fixture(t, "c_multimodal")
	_, base := start(t, m, Options{})
	dir := testcase.Unpack(t, "c_multimodal")
	u0, b0 := dataURL(t, filepath.Join(dir, "image0.png"))
	u1, b1 := dataURL(t, filepath.Join(dir, "image1.png"))
	prompt := t5go.ImagePlaceholder + spell(40, 41) + t5go.ImagePlaceholder + spell(42)
	got := complete(t, base, map[string]any{"prompt": prompt, "images": []string{u0, u1}, "max_tokens": 8, "temperature": 0})
	want, err := m.Generate(context.Background(), t5go.Request{Prompt: prompt, MaxNewTokens: 8,
		Images: []t5go.Image{{Data: b0}, {Data: b1}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Choices[0].Text != want.Text || got.Usage.PromptTokens != want.Timings.EncoderTokens {
		t.Errorf("server %q (%d prompt tokens), library %q (%d)", got.Choices[0].Text, got.Usage.PromptTokens, want.Text, want.Timings.EncoderTokens)
	}

	in := t5go.ImagePlaceholder + spell(7, 8)
	code, body := post(t, base+"/v1/embeddings", map[string]any{"input": []string{spell(3, 4, 5), in}, "images": []string{u1}, "model": "x"})
	if code != http.StatusOK {
		t.Fatalf("embeddings: %d %s", code, body)
	}
	var e struct {
		Object string
		Model  string
		Data   []struct {
			Object    string
			Index     int
			Embedding []float32
		}
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		}
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	wantTokens := 0
	for i, c := range []struct {
		text string
		imgs []t5go.Image
	}{{spell(3, 4, 5), nil}, {in, []t5go.Image{{Data: b1}}}} {
		w, err := m.Embed(context.Background(), c.text, c.imgs, t5go.PoolMean)
		if err != nil {
			t.Fatal(err)
		}
		wantTokens += len(w.Tokens)
		if d := e.Data[i]; d.Object != "embedding" || d.Index != i || !slices.Equal(d.Embedding, w.Vectors[0]) {
			t.Errorf("embedding %d: %s %d %v, library %v", i, d.Object, d.Index, d.Embedding[:4], w.Vectors[0][:4])
		}
	}
	if e.Object != "list" || e.Usage.PromptTokens != wantTokens || e.Usage.TotalTokens != wantTokens {
		t.Errorf("embeddings head: %s, usage %+v, want %d tokens", e.Object, e.Usage, wantTokens)
	}
}

// encoding_format base64 (what the openai clients ask for by default) is
// the float32 bytes, little-endian.
func TestEmbeddingBase64(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	_, base := start(t, m, Options{})
	var f, b64 struct {
		Data []struct {
			Embedding json.RawMessage
		}
	}
	for _, x := range []struct {
		format string
		out    any
	}{{"float", &f}, {"base64", &b64}} {
		code, body := post(t, base+"/v1/embeddings", map[string]any{"input": spell(9, 8, 7), "encoding_format": x.format})
		if code != http.StatusOK || json.Unmarshal(body, x.out) != nil {
			t.Fatalf("%s: %d %s", x.format, code, body)
		}
	}
	var floats []float32
	var s string
	json.Unmarshal(f.Data[0].Embedding, &floats)
	json.Unmarshal(b64.Data[0].Embedding, &s)
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != 4*len(floats) || len(floats) != m.Config().Hidden {
		t.Fatalf("base64 %d bytes (%v) for %d floats", len(raw), err, len(floats))
	}
	for i, v := range floats {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); got != v {
			t.Fatalf("[%d]: base64 %g, float %g", i, got, v)
		}
	}
}

// /health, /v1/models and /metrics after some requests.
func TestHealthModelsMetrics(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	srv, base := start(t, m, Options{Model: "tiny", Parallel: 2})
	complete(t, base, map[string]any{"prompt": spell(1+3, 5), "max_tokens": 5, "temperature": 0})
	streamed(t, base, map[string]any{"prompt": spell(6, 7), "max_tokens": 5, "temperature": 0})
	post(t, base+"/v1/completions", `{"prompt": 5}`)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	if code, body := get("/health"); code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"slots":2`) {
		t.Errorf("/health: %d %s", code, body)
	}
	if code, body := get("/v1/models"); code != 200 || !strings.Contains(body, `"id":"tiny"`) {
		t.Errorf("/v1/models: %d %s", code, body)
	}
	if code, _ := get("/metrics"); code != 200 {
		t.Errorf("/metrics: %d", code)
	}
	body, missing := waitMetrics(t, base,
		`t5go_requests_total{endpoint="/v1/completions",code="200"} 2`,
		`t5go_requests_total{endpoint="/v1/completions",code="400"} 1`,
		"t5go_completion_tokens_total 10", // greedy on this model: no EOS within 5 tokens
		"# TYPE t5go_tokens_per_second gauge", "t5go_queue_depth 0", "t5go_slots 2", "t5go_queue_capacity 8")
	if len(missing) > 0 {
		t.Errorf("/metrics lacks %q:\n%s", missing, body)
	}
	srv.Drain()
	if code, body := get("/health"); code != http.StatusServiceUnavailable || !strings.Contains(body, "shutting down") {
		t.Errorf("/health while draining: %d %s", code, body)
	}
	if code, body := post(t, base+"/v1/completions", map[string]any{"prompt": "x"}); code != http.StatusServiceUnavailable {
		t.Errorf("a completion while draining: %d %s", code, body)
	}
}
