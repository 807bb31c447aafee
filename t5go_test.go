package t5go

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/t5go/t5go/internal/testcase"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// spell turns encoder ids (BOS first) back into a prompt: image blocks
// "\n\n <boi> img×N <eoi> \n\n" become the placeholder.
func spell(t *testing.T, ids []int32, c *t5gemma.Config) string {
	var b strings.Builder
	for i := 1; i < len(ids); i++ {
		switch id := ids[i]; {
		case id == 0:
		case id == 108 && i+1 < len(ids) && ids[i+1] == c.BOI:
		case id == c.BOI:
			b.WriteString(ImagePlaceholder)
			i += c.MMTokensPerImage + 2 // image tokens, eoi, "\n\n"
		default:
			b.WriteString(testcase.Spell(id))
		}
	}
	return b.String()
}

// fixture converts a golden case (with the tiny tokenizer) and loads it.
func fixture(t *testing.T, name string) (*Model, string) {
	t.Helper()
	dir := testcase.Unpack(t, name)
	used := map[int32]bool{}
	for _, tensorName := range []string{"input_ids", "decoder_input_ids", "generated_ids"} {
		for _, r := range testcase.Ints(t, dir, tensorName) {
			for _, id := range r {
				used[id] = true
			}
		}
	}
	unused := int32(4)
	for used[unused] || unused == 108 {
		unused++
	}
	testcase.TinyTokenizer(t, dir, unused)
	path := filepath.Join(t.TempDir(), name+".gguf")
	if err := t5gemma.Convert(context.Background(), dir, path, t5gemma.ConvertOptions{Type: tensor.F32}); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, dir
}

// goldenRequests are the golden encoder rows as prompts (with images).
func goldenRequests(t *testing.T, m *Model, dir string) ([]Request, [][]int32) {
	inputs := testcase.Ints(t, dir, "input_ids")
	gen := testcase.Ints(t, dir, "generated_ids")
	var reqs []Request
	img := 0
	for _, row := range inputs {
		var ids []int32
		for _, id := range row {
			if id != 0 {
				ids = append(ids, id)
			}
		}
		r := Request{Prompt: spell(t, ids, m.Config()), MaxNewTokens: len(gen[0]) - 1}
		for range strings.Count(r.Prompt, ImagePlaceholder) {
			r.Images = append(r.Images, Image{Path: filepath.Join(dir, fmt.Sprintf("image%d.png", img))})
			img++
		}
		// the tokenizer spells the golden ids exactly
		got, err := m.encoderIDs(r.Prompt, len(r.Images))
		if err != nil || !slices.Equal(got, ids) {
			t.Fatalf("prompt %q tokenizes to %v, want %v (%v)", r.Prompt, got, ids, err)
		}
		reqs = append(reqs, r)
	}
	return reqs, gen
}

// untilEOS cuts a golden generation (start token first) at its first EOS
// (1), which Result.IDs leaves out; transformers pads after it.
func untilEOS(ids []int32) []int32 {
	ids = ids[1:]
	if i := slices.Index(ids, 1); i >= 0 {
		return ids[:i]
	}
	return ids
}

// Greedy generation from text prompts (and images) equals transformers'
// generate(), one request at a time and as a batch.
func TestGenerateMatchesGolden(t *testing.T) {
	for _, name := range []string{"b_text_sliding_batch", "c_multimodal", "e_right_pad_gqa3"} {
		t.Run(name, func(t *testing.T) {
			m, dir := fixture(t, name)
			reqs, gen := goldenRequests(t, m, dir)
			for i, r := range reqs {
				res, err := m.Generate(context.Background(), r, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(res.IDs, untilEOS(gen[i])) {
					t.Errorf("row %d: generated %v, transformers %v", i, res.IDs, gen[i][1:])
				}
			}
			batch, err := m.GenerateBatch(context.Background(), reqs, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, res := range batch {
				if !slices.Equal(res.IDs, untilEOS(gen[i])) {
					t.Errorf("batch row %d: generated %v, transformers %v", i, res.IDs, gen[i][1:])
				}
				if eos := len(res.IDs) < len(gen[i])-1; eos != (res.Reason == "eos") {
					t.Errorf("batch row %d: stop reason %q", i, res.Reason)
				}
			}
		})
	}
}

func TestSeededSamplingRepeatsAndCancelStopsWithinOneToken(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	req := Request{Prompt: testcase.Spell(40) + testcase.Spell(41) + testcase.Spell(42), MaxNewTokens: 20,
		Sampling: Sampling{Temperature: 1.5, TopK: 50, TopP: 0.95, Seed: 11}}
	a, err := m.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Generate(context.Background(), req, nil)
	if !slices.Equal(a.IDs, b.IDs) {
		t.Fatalf("same seed, different tokens: %v vs %v", a.IDs, b.IDs)
	}
	req.Sampling.Seed = 12
	c, _ := m.Generate(context.Background(), req, nil)
	if slices.Equal(a.IDs, c.IDs) {
		t.Errorf("seeds 11 and 12 gave the same 20 sampled tokens %v", a.IDs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := m.Generate(ctx, req, func(Token) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || res.Reason != "cancelled" || len(res.IDs) != 3 {
		t.Errorf("cancel after 3 tokens: %d tokens, reason %q, err %v", len(res.IDs), res.Reason, err)
	}
}

// Many goroutines share one Model; each gets what it gets alone (run with -race).
func TestConcurrentGenerate(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	prompts := []string{testcase.Spell(10) + testcase.Spell(11), testcase.Spell(20) + testcase.Spell(21) + testcase.Spell(22), testcase.Spell(30), testcase.Spell(40) + testcase.Spell(50)}
	want := make([][]int32, len(prompts))
	for i, p := range prompts {
		r, err := m.Generate(context.Background(), Request{Prompt: p, MaxNewTokens: 8}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r.IDs
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := g % len(prompts)
			r, err := m.Generate(context.Background(), Request{Prompt: prompts[i], MaxNewTokens: 8}, nil)
			if err != nil || !slices.Equal(r.IDs, want[i]) {
				t.Errorf("goroutine %d: %v (%v), alone %v", g, r.IDs, err, want[i])
			}
		}()
	}
	wg.Wait()
}

func TestBadRequests(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	long := strings.Repeat(testcase.Spell(9), 140000) // past the 128K encoder context
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Prompt: "  "}, "empty prompt"},
		{Request{Prompt: ImagePlaceholder + " x"}, "1 image placeholders"},
		{Request{Prompt: "x", Images: []Image{{Path: "a.png"}}}, "0 image placeholders"},
		{Request{Prompt: long}, "past the model's encoder context"},
		{Request{Prompt: "x", Sampling: Sampling{Temperature: -1}}, "temperature"},
		{Request{Prompt: "x", Sampling: Sampling{TopP: 2}}, "top-p"},
		{Request{Prompt: "x", MaxNewTokens: 1 << 20}, "exceed the decoder's context"},
	} {
		_, err := m.Generate(context.Background(), tc.req, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40q: error %v, want one containing %q", tc.req.Prompt, err, tc.want)
		}
	}
	m.Close()
	if _, err := m.Generate(context.Background(), Request{Prompt: "x"}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestInputErrorsAreMarked(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	for _, req := range []Request{{Prompt: " "}, {Prompt: ImagePlaceholder}, {Prompt: "x", Sampling: Sampling{TopK: -1}},
		{Prompt: ImagePlaceholder, Images: []Image{{Data: []byte("not an image"), Name: "junk"}}}} {
		_, err := m.Generate(context.Background(), req, nil)
		if !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%q: %v is not marked ErrInvalidRequest", req.Prompt, err)
		}
	}
}

// A cancelled context stops the encoder between layers.
func TestEncodeHonoursCancellation(t *testing.T) {
	m, _ := fixture(t, "a_text_short")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := m.Generate(ctx, Request{Prompt: strings.Repeat(testcase.Spell(9), 3000)}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("generate with a cancelled context: %v", err)
	}
	if _, err := m.Embed(ctx, testcase.Spell(9), nil, PoolMean); !errors.Is(err, context.Canceled) {
		t.Errorf("embed with a cancelled context: %v", err)
	}
}
