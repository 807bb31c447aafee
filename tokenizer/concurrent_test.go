package tokenizer

import (
	"slices"
	"sync"
	"testing"
)

// TestConcurrentEncode: goroutines share one tokenizer (lazy build, word
// cache, scratch pool) from its first use; run with -race.
func TestConcurrentEncode(t *testing.T) {
	g, err := gemma()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := New(g.Vocab()) // fresh: the encoder is built under contention
	if err != nil {
		t.Fatal(err)
	}
	lines := readJSONL[goldenLine](t, "testdata/golden.jsonl")
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := range lines {
				g := lines[(i+w*83)%len(lines)]
				if got := tok.Encode(g.Text, true); !slices.Equal(got, g.IDs) {
					errs <- g.Text
					return
				}
				if s := tok.Decode(g.IDs, true); s != g.DecodedSkipSpecial {
					errs <- g.Text
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent encode/decode of %q differs", s)
	}
}
