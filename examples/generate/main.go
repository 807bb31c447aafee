// Command generate embeds t5go in a few lines: load a model once, then stream
// a generation to stdout.
//
//	go run ./examples/generate model.gguf "Translate to French: the cat"
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/t5go/t5go"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: generate MODEL.gguf PROMPT")
	}
	m, err := t5go.Load(os.Args[1], t5go.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	res, err := m.Generate(context.Background(), t5go.Request{Prompt: os.Args[2], MaxNewTokens: 64},
		func(t t5go.Token) error { fmt.Print(t.Text); return nil })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\n(%d tokens, %.1f tok/s, stopped: %s)\n", len(res.IDs), res.Timings.DecoderTokensPerSecond(), res.Reason)
}
