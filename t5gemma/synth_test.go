package t5gemma

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/tensor"
)

func TestSyntheticIsDeterministicAndMarked(t *testing.T) {
	c := tinyModel(t, tensor.F32).Config
	write := func(seed uint64) []byte {
		var buf bytes.Buffer
		if err := WriteSynthetic(&buf, c, SynthOptions{Type: tensor.Q8_0, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, other := write(1), write(1), write(2)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different files")
	}
	if bytes.Equal(a, other) {
		t.Error("different seeds gave the same file")
	}
	f, err := gguf.Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Bool(kSynthetic); err != nil || !v {
		t.Errorf("synthetic marker: %v, %v", v, err)
	}
	if _, err := FromGGUF(f); err != nil {
		t.Errorf("a synthetic file does not load: %v", err)
	}
}

func TestFillStatistics(t *testing.T) {
	x := make([]float32, 1<<20)
	fill(x, 0.05, rand.New(rand.NewPCG(3, 4)))
	var sum, sq float64
	for _, v := range x {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean := sum / float64(len(x))
	std := math.Sqrt(sq/float64(len(x)) - mean*mean)
	if math.Abs(mean) > 1e-3 || math.Abs(std-0.05)/0.05 > 0.01 {
		t.Errorf("mean %g std %g, want 0 and 0.05", mean, std)
	}
}
