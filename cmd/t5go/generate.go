package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/t5go/t5go"
	"github.com/t5go/t5go/tensor"
)

func init() {
	register("generate", "generate text from a prompt (and images), streaming tokens", runGenerate)
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

const generateHelp = `usage: t5go generate -m model.gguf -p PROMPT [flags]

Runs the encoder on the prompt (and images), then decodes, streaming tokens to
stdout as they are produced. The prompt comes from -p, -f FILE, or stdin. With both -f and -p, the file is
encoded once and each -p is a question for the decoder (encode once, ask many). Put
<start_of_image> in the prompt where each --image goes. A timings line goes to
stderr. Ctrl-C stops after the current token.

examples:
  t5go generate -m model.gguf -p "Translate to German: The house is small."
  t5go generate -m model.gguf --image bee.jpg -p "<start_of_image> in this image, there is"
  t5go generate -m model.gguf -f article.txt -n 64 --temp 0.7 --top-p 0.9 --seed 1
  echo "Summarize: ..." | t5go generate -m model.gguf --json
  t5go generate -m model.gguf -f long.txt -p "Who wrote it?" -p "When?"

flags:
`

func runGenerate(args []string) error {
	fs := newFlags("generate", "")
	fs.Usage = func() { fmt.Fprint(fs.Output(), generateHelp); fs.PrintDefaults() }
	model := fs.String("m", "", "model `file` (GGUF from t5go convert or t5go synth)")
	var prompts, images, stops listFlag
	fs.Var(&prompts, "p", "prompt `text` (repeatable: each runs as its own generation)")
	file := fs.String("f", "", "read the prompt from `file`")
	fs.Var(&images, "image", "image `file` for the next <start_of_image> (repeatable)")
	n := fs.Int("n", 128, "maximum new tokens")
	temp := fs.Float64("temp", 0, "temperature; 0 = greedy")
	topK := fs.Int("top-k", 0, "keep the K most likely tokens (0 = off)")
	topP := fs.Float64("top-p", 1, "nucleus sampling threshold (1 = off)")
	minP := fs.Float64("min-p", 0, "drop tokens below this fraction of the best one (0 = off)")
	rep := fs.Float64("repeat-penalty", 1, "penalty for tokens already generated (1 = off)")
	seed := fs.Int64("seed", -1, "random seed (-1 = from the clock)")
	fs.Var(&stops, "stop", "stop before this `string` (repeatable)")
	threads := fs.Int("t", 0, "threads (default: all cores)")
	asJSON := fs.Bool("json", false, "print one JSON object per prompt instead of streaming")
	truncate := fs.Bool("truncate", false, "cut prompts longer than the encoder context instead of failing")
	crossType := fs.String("cross-type", "f32", "precision of the cached encoder keys/values: f32, f16 or q8_0 (long inputs)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (the prompt goes in -p)", pos[0])}
	}
	if *model == "" {
		return usageError{"missing -m model file"}
	}
	if *n <= 0 {
		return usageError{fmt.Sprintf("-n %d: want a positive number of tokens", *n)}
	}
	var document string
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		document = string(b)
		if len(prompts) == 0 {
			prompts, document = []string{document}, ""
		}
	}
	if len(prompts) == 0 {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		prompts = append(prompts, string(b))
	}
	s := uint64(*seed)
	if *seed < 0 {
		s = uint64(time.Now().UnixNano())
	}
	sampling := t5go.Sampling{Temperature: float32(*temp), TopK: *topK, TopP: float32(*topP), MinP: float32(*minP),
		RepeatPenalty: float32(*rep), Seed: s}
	var imgs []t5go.Image
	for _, p := range images {
		imgs = append(imgs, t5go.Image{Path: p})
	}

	start := time.Now()
	ct, err := tensor.ParseType(*crossType)
	if err != nil {
		return usageError{"--cross-type: " + err.Error()}
	}
	m, err := t5go.Load(*model, t5go.Options{Threads: *threads, CrossType: ct})
	if err != nil {
		return err
	}
	defer m.Close()
	load := time.Since(start)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if document != "" {
		return askMany(ctx, m, document, imgs, prompts, *n, sampling, stops, *asJSON)
	}
	for _, p := range prompts {
		req := t5go.Request{Prompt: p, Images: imgs, MaxNewTokens: *n, Sampling: sampling, Stop: stops, Truncate: *truncate}
		var onToken func(t5go.Token) error
		if !*asJSON {
			onToken = func(t t5go.Token) error { _, err := io.WriteString(os.Stdout, t.Text); return err }
		}
		res, err := m.Generate(ctx, req, onToken)
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if *asJSON {
			out := map[string]any{"prompt": p, "text": res.Text, "ids": res.IDs, "stop_reason": res.Reason, "seed": s,
				"encoder_tokens": res.Timings.EncoderTokens, "encoder_tokens_per_s": res.Timings.EncoderTokensPerSecond(),
				"decoder_tokens": res.Timings.DecoderTokens, "decoder_tokens_per_s": res.Timings.DecoderTokensPerSecond(),
				"load_ms": load.Milliseconds(), "kernels": m.Kernels(), "threads": m.Threads()}
			if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
				return err
			}
		} else {
			fmt.Println()
		}
		t := res.Timings
		fmt.Fprintf(os.Stderr, "load %.0f ms | encoder %d tokens in %.0f ms (%.1f tok/s) | decoder %d tokens in %.0f ms (%.1f tok/s) | %s, %s, %d threads, seed %d\n",
			float64(load.Microseconds())/1000, t.EncoderTokens, float64(t.Encode.Microseconds())/1000, t.EncoderTokensPerSecond(),
			t.DecoderTokens, float64(t.Decode.Microseconds())/1000, t.DecoderTokensPerSecond(), res.Reason, m.Kernels(), m.Threads(), s)
		if err != nil {
			return nil // interrupted: stop quietly after the partial output
		}
	}
	return nil
}

// askMany encodes document once and answers each question with the decoder
// alone, printing the time to first token of each.
func askMany(ctx context.Context, m *t5go.Model, document string, imgs []t5go.Image, questions []string, n int,
	sampling t5go.Sampling, stops []string, asJSON bool) error {
	start := time.Now()
	s, err := m.NewSession(ctx, document, imgs, t5go.SessionOptions{MaxDecoderTokens: n + 256})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(os.Stderr, "encoded %d tokens once in %.0f ms\n", s.EncoderTokens(), float64(time.Since(start).Microseconds())/1000)
	for _, q := range questions {
		t0 := time.Now()
		var ttft time.Duration
		res, err := s.Ask(ctx, q, t5go.Request{MaxNewTokens: n, Sampling: sampling, Stop: stops}, func(t t5go.Token) error {
			if ttft == 0 {
				ttft = time.Since(t0)
			}
			if !asJSON {
				_, err := io.WriteString(os.Stdout, t.Text)
				return err
			}
			return nil
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if asJSON {
			out := map[string]any{"question": q, "text": res.Text, "ids": res.IDs, "stop_reason": res.Reason,
				"time_to_first_token_ms": float64(ttft.Microseconds()) / 1000, "decoder_tokens_per_s": res.Timings.DecoderTokensPerSecond()}
			if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
				return err
			}
		} else {
			fmt.Println()
		}
		fmt.Fprintf(os.Stderr, "question %q: first token after %.1f ms, %d tokens at %.1f tok/s, %s\n",
			q, float64(ttft.Microseconds())/1000, len(res.IDs), res.Timings.DecoderTokensPerSecond(), res.Reason)
		if err != nil {
			return nil
		}
	}
	return nil
}
