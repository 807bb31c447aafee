package main

import (
	"fmt"
	"os"
	"time"

	"github.com/t5go/t5go/bench"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

func init() {
	register("synth", "write a random-weight model of a released shape (for benchmarks and tests)", runSynth)
}

func runSynth(args []string) error {
	fs := newFlags("synth", "--size 270m|1b|4b --type f16|q8_0|q4_0 [--seed S] -o FILE.gguf")
	size := fs.String("size", "270m", "model shape: 270m, 1b or 4b (T5Gemma 2 270M-270M, 1B-1B, 4B-4B, vision tower included)")
	typ := fs.String("type", "q8_0", "weight type of linear layers: f32, f16, bf16, q8_0 or q4_0")
	seed := fs.Uint64("seed", 0, "random seed: the same size, type and seed give the same file")
	out := fs.String("o", "", "output GGUF `file` (required)")
	force := fs.Bool("force", false, "overwrite an existing output file")
	noTok := fs.Bool("no-tokenizer", false, "leave the Gemma 3 tokenizer out")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (t5go synth --size 270m -o model.gguf)", pos[0])}
	}
	if *out == "" {
		return usageError{"missing -o output file"}
	}
	t, err := tensor.ParseType(*typ)
	if err != nil {
		return usageError{err.Error()}
	}
	c, err := t5gemma.SizeConfig(*size)
	if err != nil {
		return usageError{err.Error()}
	}
	bar := newProgress("synth")
	start := time.Now()
	err = bench.Synthesize(*out, c, bench.SynthOptions{Type: t, Seed: *seed, Force: *force, NoTokenizer: *noTok, Progress: bar.update})
	bar.clear()
	if err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (synthetic %s, %s, seed %d, %.1f MiB) in %.1fs\n", *out, *size, t, *seed, float64(st.Size())/(1<<20), time.Since(start).Seconds())
	return nil
}
