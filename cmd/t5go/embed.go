package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/t5go/t5go"
)

func init() {
	register("embed", "print encoder hidden states of a text as JSON embeddings", runEmbed)
}

func runEmbed(args []string) error {
	fs := newFlags("embed", "-m model.gguf -p TEXT [--pool mean|none] [--image FILE]...")
	model := fs.String("m", "", "model `file`")
	text := fs.String("p", "", "input `text`")
	pool := fs.String("pool", "mean", "mean: one vector; none: one vector per token")
	threads := fs.Int("t", 0, "threads (default: all cores)")
	var images listFlag
	fs.Var(&images, "image", "image `file` for the next <start_of_image> (repeatable)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (the text goes in -p)", pos[0])}
	}
	if *model == "" {
		return usageError{"missing -m model file"}
	}
	if *pool != "mean" && *pool != "none" {
		return usageError{fmt.Sprintf("--pool %q: want mean or none", *pool)}
	}
	m, err := t5go.Load(*model, t5go.Options{Threads: *threads})
	if err != nil {
		return err
	}
	defer m.Close()
	var imgs []t5go.Image
	for _, p := range images {
		imgs = append(imgs, t5go.Image{Path: p})
	}
	e, err := m.Embed(context.Background(), *text, imgs, t5go.Pooling(*pool))
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"pool": *pool, "tokens": e.Tokens, "dim": m.Config().Hidden, "embeddings": e.Vectors})
}
