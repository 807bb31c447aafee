package t5gemma

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/t5go/t5go/kernels"
)

// BenchmarkVisionFeatures times the vision tower on one image of the model
// named by T5GO_VISION_MODEL (skipped when unset), with
// T5GO_VISION_THREADS threads (default 1) and, for quick profiles, only the
// first T5GO_VISION_LAYERS layers (default all).
func BenchmarkVisionFeatures(b *testing.B) {
	path := os.Getenv("T5GO_VISION_MODEL")
	if path == "" {
		b.Skip("T5GO_VISION_MODEL is not set")
	}
	m, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if m.Config.Vision == nil {
		b.Skip("the model has no vision tower")
	}
	threads := 1
	if s := os.Getenv("T5GO_VISION_THREADS"); s != "" {
		if threads, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	if s := os.Getenv("T5GO_VISION_LAYERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		w := *m.Vision
		w.Layers = w.Layers[:min(n, len(w.Layers))]
		m.Vision = &w
	}
	vs, err := m.NewVisionState(kernels.NewPool(threads))
	if err != nil {
		b.Fatal(err)
	}
	S := m.Config.Vision.ImageSize
	px := make([]float32, 3*S*S)
	r := rand.New(rand.NewPCG(1, 11))
	for i := range px {
		px[i] = 2*r.Float32() - 1 // like normalised pixels (and like t5go bench)
	}
	dst := make([]float32, m.Config.MMTokensPerImage*m.Config.Hidden)
	// one untimed image: page in the weights and touch the activations
	if err := vs.Features(dst, px); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := vs.Features(dst, px); err != nil {
			b.Fatal(err)
		}
	}
}
