package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

func init() {
	register("convert", "convert a Hugging Face T5Gemma 2 checkpoint folder into one GGUF file", runConvert)
}

func runConvert(args []string) error {
	fs := newFlags("convert", "HF_DIR -o model.gguf [--type f32|f16|bf16|q8_0|q4_0] [--embd-type TYPE] [--force]")
	out := fs.String("o", "", "output GGUF `file` (required)")
	typ := fs.String("type", "f16", "weight type of linear layers: f32, f16, bf16, q8_0 or q4_0")
	embd := fs.String("embd-type", "", "type of the tied embedding / LM head (default: --type)")
	force := fs.Bool("force", false, "overwrite an existing output file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want exactly one checkpoint folder (t5go convert HF_DIR -o model.gguf)"}
	}
	if *out == "" {
		return usageError{"missing -o output file"}
	}
	t, err := tensor.ParseType(*typ)
	if err != nil {
		return usageError{err.Error()}
	}
	opt := t5gemma.ConvertOptions{Type: t, Force: *force}
	if *embd != "" {
		et, err := tensor.ParseType(*embd)
		if err != nil {
			return usageError{"--embd-type: " + err.Error()}
		}
		opt.EmbedType = &et
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress("convert")
	opt.Progress = bar.update
	start := time.Now()
	if err := t5gemma.Convert(ctx, pos[0], *out, opt); err != nil {
		bar.clear()
		return err
	}
	bar.clear()
	st, _ := os.Stat(*out)
	fmt.Fprintf(os.Stderr, "wrote %s (%s, %.1f MiB) in %.1fs\n", *out, t, float64(st.Size())/(1<<20), time.Since(start).Seconds())
	return nil
}
