package t5go

import (
	"fmt"
	"github.com/t5go/t5go/kernels"
	"math"
	"math/rand/v2"

	"sort"
)

// Sampling chooses how the next token is picked. The zero value is greedy
// decoding.
type Sampling struct {
	Temperature   float32 // 0 = greedy (argmax); otherwise logits are divided by it
	TopK          int     // keep the K most likely tokens (0 = off)
	TopP          float32 // keep the smallest set whose probability reaches P (0 or 1 = off)
	MinP          float32 // drop tokens less likely than MinP × the most likely (0 = off)
	RepeatPenalty float32 // CTRL-style penalty on tokens already generated (0 or 1 = off)
	Seed          uint64  // random seed; the same seed gives the same tokens
}

func (s Sampling) validate() error {
	switch {
	case s.Temperature < 0 || math.IsNaN(float64(s.Temperature)):
		return fmt.Errorf("temperature %g must be >= 0", s.Temperature)
	case s.TopK < 0:
		return fmt.Errorf("top-k %d must be >= 0", s.TopK)
	case s.TopP < 0 || s.TopP > 1:
		return fmt.Errorf("top-p %g must be in [0, 1]", s.TopP)
	case s.MinP < 0 || s.MinP > 1:
		return fmt.Errorf("min-p %g must be in [0, 1]", s.MinP)
	case s.RepeatPenalty < 0:
		return fmt.Errorf("repeat penalty %g must be >= 0", s.RepeatPenalty)
	}
	return nil
}

// sampler picks tokens from logits. It applies transformers' order of
// processors: repetition penalty, temperature, top-k, top-p, min-p, then
// draws from the renormalised distribution.
type sampler struct {
	s    Sampling
	rng  *rand.Rand
	cand []cand // scratch, reused
}

type cand struct {
	id int32
	p  float64
}

func newSampler(s Sampling) *sampler {
	return &sampler{s: s, rng: rand.New(rand.NewPCG(s.Seed, 0x5eed))}
}

// penalize applies the repetition penalty in place: positive logits of seen
// tokens are divided by it, negative ones multiplied.
func (sm *sampler) penalize(logits []float32, seen []int32) {
	r := sm.s.RepeatPenalty
	if r == 0 || r == 1 {
		return
	}
	done := map[int32]bool{}
	for _, id := range seen {
		if done[id] || int(id) >= len(logits) {
			continue
		}
		done[id] = true
		if logits[id] > 0 {
			logits[id] /= r
		} else {
			logits[id] *= r
		}
	}
}

// distribution returns the candidates left after the filters, with
// probabilities that sum to 1, most likely first.
func (sm *sampler) distribution(logits []float32) []cand {
	s := sm.s
	c := sm.cand[:0]
	maxL := float32(math.Inf(-1))
	for _, v := range logits {
		maxL = max(maxL, v)
	}
	var sum float64
	for i, v := range logits {
		p := math.Exp(float64((v - maxL) / s.Temperature))
		sum += p
		c = append(c, cand{int32(i), p})
	}
	for i := range c {
		c[i].p /= sum
	}
	sort.Slice(c, func(i, j int) bool { return c[i].p > c[j].p || c[i].p == c[j].p && c[i].id < c[j].id })
	if s.TopK > 0 && s.TopK < len(c) {
		c = c[:s.TopK]
	}
	if s.TopP > 0 && s.TopP < 1 {
		var acc float64
		for i := range c {
			acc += c[i].p
			if acc >= float64(s.TopP) {
				c = c[:i+1]
				break
			}
		}
	}
	if s.MinP > 0 {
		floor := float64(s.MinP) * c[0].p
		n := 1
		for n < len(c) && c[n].p >= floor {
			n++
		}
		c = c[:n]
	}
	sum = 0
	for _, x := range c {
		sum += x.p
	}
	for i := range c {
		c[i].p /= sum
	}
	sm.cand = c
	return c
}

// next picks a token; logits may be modified.
func (sm *sampler) next(logits []float32, seen []int32) int32 {
	sm.penalize(logits, seen)
	if sm.s.Temperature == 0 {
		return int32(kernels.Argmax(logits))
	}
	c := sm.distribution(logits)
	u := sm.rng.Float64()
	for _, x := range c {
		if u < x.p {
			return x.id
		}
		u -= x.p
	}
	return c[len(c)-1].id
}
