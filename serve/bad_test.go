package serve

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/internal/testcase"
)

// Bad requests get a status and a message that says what was wrong; none
// takes a slot for long or breaks the server. Run with -v for the table.
func TestBadRequests(t *testing.T) {
	m, _ := fixture(t, "c_multimodal")
	_, base := start(t, m, Options{})
	_, small := start(t, m, Options{MaxBody: 4096})
	png, err := os.ReadFile(filepath.Join(testcase.Unpack(t, "c_multimodal"), "image0.png"))
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(b []byte) string { return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b) }
	img := t5go.ImagePlaceholder + spell(40)
	ctxLen := m.Config().Enc.Context
	long := strings.Repeat(spell(9), ctxLen) // BOS makes it one token too many
	past := fmt.Sprintf("is %d tokens, past the model's encoder context of %d", ctxLen+1, ctxLen)
	for _, tc := range []struct {
		name   string
		path   string // default /v1/completions
		method string // default POST
		body   string
		small  bool // send to the server with a 4 KiB body limit
		code   int
		want   string
	}{
		{name: "truncated JSON", body: `{"prompt": "x",`, code: 400, want: "malformed JSON: the body ends in the middle of a value"},
		{name: "bad JSON", body: `{"prompt": x}`, code: 400, want: "malformed JSON at byte 12: invalid character 'x'"},
		{name: "not an object", body: `["x"]`, code: 400, want: "must be a JSON object, not array"},
		{name: "empty body", body: ``, code: 400, want: "the request body is empty"},
		{name: "two objects", body: `{"prompt":"x"} {"prompt":"y"}`, code: 400, want: "more data after the request object"},
		{name: "unknown field", body: `{"prompt":"x","temprature":0.5}`, code: 400, want: `unknown field "temprature"`},
		{name: "no prompt", body: `{"max_tokens":5}`, code: 400, want: "prompt is required"},
		{name: "prompt of wrong type", body: `{"prompt":5}`, code: 400, want: "prompt: want a string or an array of strings"},
		{name: "token-id prompt", body: `{"prompt":[1,2,3]}`, code: 400, want: "prompt[0]: token id arrays are not supported"},
		{name: "empty prompt", body: `{"prompt":"  "}`, code: 400, want: "prompt is empty"},
		{name: "too many prompts", body: `{"prompt":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}`, code: 400, want: "prompt: 17 entries; at most 16"},
		{name: "max_tokens a string", body: `{"prompt":"x","max_tokens":"many"}`, code: 400, want: "max_tokens: got a string, want an integer"},
		{name: "max_tokens a fraction", body: `{"prompt":"x","max_tokens":1.5}`, code: 400, want: "max_tokens: got the number 1.5, want an integer"},
		{name: "huge max_tokens", body: `{"prompt":"x","max_tokens":1000000}`, code: 400, want: "max_tokens 1000000: must be between 1 and 4096"},
		{name: "max_tokens past int64", body: `{"prompt":"x","max_tokens":1e30}`, code: 400, want: "max_tokens: got the number 1e30, want an integer"},
		{name: "max_tokens 0", body: `{"prompt":"x","max_tokens":0}`, code: 400, want: "max_tokens 0: must be between 1 and 4096"},
		{name: "temperature a string", body: `{"prompt":"x","temperature":"hot"}`, code: 400, want: "temperature: got a string, want a number"},
		{name: "negative temperature", body: `{"prompt":"x","temperature":-1}`, code: 400, want: "temperature -1: must be at least 0"},
		{name: "top_p above 1", body: `{"prompt":"x","top_p":1.5}`, code: 400, want: "top_p 1.5: must be between 0 and 1"},
		{name: "stream not a bool", body: `{"prompt":"x","stream":"yes"}`, code: 400, want: "stream: got a string, want true or false"},
		{name: "seed a string", body: `{"prompt":"x","seed":"abc"}`, code: 400, want: "seed: got a string, want an integer"},
		{name: "stop a number", body: `{"prompt":"x","stop":3}`, code: 400, want: "stop: want a string or an array of strings"},
		{name: "empty stop", body: `{"prompt":"x","stop":["a",""]}`, code: 400, want: "stop[1] is empty"},
		{name: "n 2", body: `{"prompt":"x","n":2}`, code: 400, want: "n 2: one choice per prompt"},
		{name: "logprobs", body: `{"prompt":"x","logprobs":5}`, code: 400, want: "logprobs are not supported"},
		{name: "stream_options alone", body: `{"prompt":"x","stream_options":{"include_usage":true}}`, code: 400, want: "stream_options is only allowed with stream: true"},
		{name: "prompt past the encoder context", body: fmt.Sprintf(`{"prompt":%q}`, long), code: 400, want: "the prompt " + past},
		{name: "oversized body", body: fmt.Sprintf(`{"prompt":%q}`, strings.Repeat("x", 5000)), small: true, code: 413, want: "larger than the server's limit of 4096 bytes"},
		{name: "images not an array", body: `{"prompt":"x","images":"data:image/png;base64,AAAA"}`, code: 400, want: "images: got a string, want an array of strings"},
		{name: "bad base64 image", body: fmt.Sprintf(`{"prompt":%q,"images":["data:image/png;base64,iVBOR*w0KGgo="]}`, img), code: 400, want: "images[0]: bad base64: illegal base64 data at input byte 5"},
		{name: "not a data URL", body: fmt.Sprintf(`{"prompt":%q,"images":["iVBORw0KGgo="]}`, img), code: 400, want: "images[0]: want a base64 data URL"},
		{name: "http image URL", body: fmt.Sprintf(`{"prompt":%q,"images":["https://example.com/a.png"]}`, img), code: 400, want: "the server does not fetch URLs"},
		{name: "base64 of text", body: fmt.Sprintf(`{"prompt":%q,"images":[%q]}`, img, b64([]byte("hello world"))), code: 400, want: "images[0]: not a PNG, JPEG, GIF or WebP image (11 bytes starting 68 65 6c 6c 6f 20 77 6f)"},
		{name: "truncated PNG", body: fmt.Sprintf(`{"prompt":%q,"images":[%q]}`, img, b64(png[:200])), code: 400, want: "imageproc: images[0]: "},
		{name: "image without placeholder", body: fmt.Sprintf(`{"prompt":"x","images":[%q]}`, b64(png)), code: 400, want: "1 images for 0 <start_of_image> placeholders in prompt"},
		{name: "placeholder without image", body: fmt.Sprintf(`{"prompt":%q}`, img), code: 400, want: "0 images for 1 <start_of_image> placeholders in prompt"},
		{name: "embedding without input", path: "/v1/embeddings", body: `{"model":"x"}`, code: 400, want: "input is required"},
		{name: "embedding of token ids", path: "/v1/embeddings", body: `{"input":[[1,2]]}`, code: 400, want: "input[0]: token id arrays are not supported"},
		{name: "embedding format", path: "/v1/embeddings", body: `{"input":"x","encoding_format":"int8"}`, code: 400, want: `encoding_format "int8": want "float" or "base64"`},
		{name: "embedding dimensions", path: "/v1/embeddings", body: `{"input":"x","dimensions":3}`, code: 400, want: "dimensions 3: this model's embeddings have 64"},
		{name: "embedding past the context", path: "/v1/embeddings", body: fmt.Sprintf(`{"input":["x",%q]}`, long), code: 400, want: "input[1]: the input " + past},
		{name: "GET a completion", method: "GET", code: 405, want: "GET /v1/completions: use POST"},
		{name: "unknown path", path: "/v1/chat/completions", code: 404, want: "no endpoint /v1/chat/completions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := base
			if tc.small {
				url = small
			}
			path, method := tc.path, tc.method
			if path == "" {
				path = "/v1/completions"
			}
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, url+path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var e struct {
				Error struct {
					Message string
					Type    string
				}
			}
			if err := json.Unmarshal(b, &e); err != nil || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %s: not a JSON error: %v", resp.StatusCode, b, err)
			}
			if resp.StatusCode != tc.code || !strings.Contains(e.Error.Message, tc.want) || e.Error.Type == "" {
				t.Errorf("%d %q (%s), want %d with %q", resp.StatusCode, e.Error.Message, e.Error.Type, tc.code, tc.want)
			}
			t.Logf("| %s | %d | %s |", tc.name, resp.StatusCode, clip(e.Error.Message, 160))
		})
	}
	// A chunked body (no Content-Length) over the limit is cut off too.
	req, _ := http.NewRequest(http.MethodPost, small+"/v1/completions", io.MultiReader(strings.NewReader(`{"prompt":"`), strings.NewReader(strings.Repeat("x", 8000)), strings.NewReader(`"}`)))
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversized body: %d", resp.StatusCode)
	}
	// and the server still answers
	complete(t, base, map[string]any{"prompt": spell(4, 5), "max_tokens": 3})
}
