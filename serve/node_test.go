package serve

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/internal/testcase"
)

// The official openai npm package (a client nobody here wrote) drives
// completions, streaming, embeddings and errors against the server; see
// testdata/node. Needs node and npm: without them the test skips, unless
// T5GO_REQUIRE_NODE=1 (as CI sets) makes that a failure. A clean clone gets
// its node_modules from package-lock.json with npm ci.
func TestOpenAINodeClient(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips the node client")
	}
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		if os.Getenv("T5GO_REQUIRE_NODE") == "1" {
			t.Fatalf("T5GO_REQUIRE_NODE=1 but node or npm is missing: %v %v", err1, err2)
		}
		t.Skip("node or npm not installed")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai", "package.json")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}

	m, _ := fixture(t, "c_multimodal")
	_, base := start(t, m, Options{Model: "tiny", Parallel: 2})
	want := nodeExpectations(t, m)
	expect, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "openai.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "T5GO_BASE_URL="+base+"/v1", "T5GO_EXPECT="+string(expect), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test openai.test.mjs: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "✔") || strings.HasPrefix(strings.TrimSpace(line), "ℹ") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

// nodeExpectations are the library's answers to the requests the node test
// makes.
func nodeExpectations(t *testing.T, m *t5go.Model) map[string]any {
	ctx := context.Background()
	prompt := spell(40, 41, 42, 43)
	res, err := m.Generate(ctx, t5go.Request{Prompt: prompt, MaxNewTokens: 12,
		Sampling: t5go.Sampling{Temperature: 1, TopP: 1, Seed: 42}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	finish := "stop"
	if res.Reason == "length" {
		finish = "length"
	}
	png, err := os.ReadFile(filepath.Join(testcase.Unpack(t, "c_multimodal"), "image0.png"))
	if err != nil {
		t.Fatal(err)
	}
	imagePrompt := t5go.ImagePlaceholder + spell(50, 51)
	img, err := m.Generate(ctx, t5go.Request{Prompt: imagePrompt, MaxNewTokens: 12, Images: []t5go.Image{{Data: png}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	embedInput := spell(7, 8, 9)
	emb, err := m.Embed(ctx, embedInput, nil, t5go.PoolMean)
	if err != nil {
		t.Fatal(err)
	}
	imageURL, _ := dataURL(t, filepath.Join(testcase.Unpack(t, "c_multimodal"), "image0.png"))
	return map[string]any{
		"prompt": prompt, "max_tokens": 12, "temperature": 1, "seed": 42,
		"text": res.Text, "finish_reason": finish,
		"usage": map[string]int{"prompt_tokens": res.Timings.EncoderTokens, "completion_tokens": len(res.IDs),
			"total_tokens": res.Timings.EncoderTokens + len(res.IDs)},
		"image_prompt": imagePrompt, "image_url": imageURL, "image_text": img.Text,
		"embed_input": embedInput, "embedding": emb.Vectors[0], "embed_tokens": len(emb.Tokens),
	}
}
