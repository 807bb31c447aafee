package t5go

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Hand-computed: logits ln(0.5), ln(0.25), ln(0.15), ln(0.1) give
// probabilities 0.5, 0.25, 0.15, 0.1 at temperature 1.
func TestSamplingFilters(t *testing.T) {
	logits := func() []float32 {
		return []float32{float32(math.Log(0.5)), float32(math.Log(0.25)), float32(math.Log(0.15)), float32(math.Log(0.1))}
	}
	for _, tc := range []struct {
		name string
		s    Sampling
		want map[int32]float64
	}{
		{"plain", Sampling{Temperature: 1}, map[int32]float64{0: 0.5, 1: 0.25, 2: 0.15, 3: 0.1}},
		{"top-k 2", Sampling{Temperature: 1, TopK: 2}, map[int32]float64{0: 2.0 / 3, 1: 1.0 / 3}},
		{"top-p 0.7", Sampling{Temperature: 1, TopP: 0.7}, map[int32]float64{0: 2.0 / 3, 1: 1.0 / 3}},
		{"top-p 0.8", Sampling{Temperature: 1, TopP: 0.8}, map[int32]float64{0: 0.5 / 0.9, 1: 0.25 / 0.9, 2: 0.15 / 0.9}},
		{"min-p 0.25", Sampling{Temperature: 1, MinP: 0.25}, map[int32]float64{0: 0.5 / 0.9, 1: 0.25 / 0.9, 2: 0.15 / 0.9}},
		{"min-p 0.4", Sampling{Temperature: 1, MinP: 0.4}, map[int32]float64{0: 2.0 / 3, 1: 1.0 / 3}},
		// temperature 0.5 squares the probabilities: .25, .0625, .0225, .01 over .345
		{"temp 0.5", Sampling{Temperature: 0.5}, map[int32]float64{0: 0.25 / 0.345, 1: 0.0625 / 0.345, 2: 0.0225 / 0.345, 3: 0.01 / 0.345}},
	} {
		sm := newSampler(tc.s)
		got := sm.distribution(logits())
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d candidates, want %d: %v", tc.name, len(got), len(tc.want), got)
			continue
		}
		for _, c := range got {
			if math.Abs(c.p-tc.want[c.id]) > 1e-6 {
				t.Errorf("%s: p(%d) = %.6f, want %.6f", tc.name, c.id, c.p, tc.want[c.id])
			}
		}
	}
	// repetition penalty 2: a seen positive logit halves, a seen negative one doubles
	sm := newSampler(Sampling{RepeatPenalty: 2})
	l := []float32{4, -3, 1}
	sm.penalize(l, []int32{0, 1, 1})
	if l[0] != 2 || l[1] != -6 || l[2] != 1 {
		t.Errorf("repeat penalty: %v, want [2 -6 1]", l)
	}
	// greedy ignores the RNG
	if id := newSampler(Sampling{}).next(logits(), nil); id != 0 {
		t.Errorf("greedy picked %d", id)
	}
	// empirical frequencies follow the distribution
	sm = newSampler(Sampling{Temperature: 1, Seed: 3})
	counts := make([]int, 4)
	const n = 20000
	for range n {
		counts[sm.next(logits(), nil)]++
	}
	for i, p := range []float64{0.5, 0.25, 0.15, 0.1} {
		if f := float64(counts[i]) / n; math.Abs(f-p) > 0.015 {
			t.Errorf("token %d drawn %.3f of the time, want %.2f", i, f, p)
		}
	}
}

// The heap-selected top-k equals the first k of a full sort.
func TestTopKMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	logits := make([]float32, 5000)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64()) * 3
	}
	logits[17] = logits[99] // a tie
	got := newSampler(Sampling{Temperature: 0.8, TopK: 40}).distribution(logits)
	all := newSampler(Sampling{Temperature: 0.8}).distribution(logits)
	var mass float64
	for _, c := range all[:40] {
		mass += c.p
	}
	for i, c := range got {
		if c.id != all[i].id || math.Abs(c.p-all[i].p/mass) > 1e-12 {
			t.Fatalf("rank %d: top-k %v, full sort %v", i, c, all[i])
		}
	}
}

func BenchmarkSampleFullVocab(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	logits := make([]float32, 262144)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64()) * 3
	}
	for _, s := range []Sampling{{Temperature: 0.8}, {Temperature: 0.8, TopK: 40, TopP: 0.95}, {Temperature: 0.8, TopP: 0.9}} {
		b.Run(fmt.Sprintf("k%d-p%g", s.TopK, s.TopP), func(b *testing.B) {
			sm := newSampler(s)
			for range b.N {
				sm.next(logits, nil)
			}
		})
	}
}
