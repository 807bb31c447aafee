package t5go

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/t5go/t5go/kernels"
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
	cand []cand    // scratch, reused
	prob []float64 // scratch, reused
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
// probabilities that sum to 1, most likely first (ties: lower id first).
// Only candidates that can survive are sorted: the top K when top-k is set,
// those above the min-p floor, and, for top-p, those above a threshold whose
// mass already reaches P (the nucleus is a prefix of the sorted order).
func (sm *sampler) distribution(logits []float32) []cand {
	s := sm.s
	p := sm.softmax(logits)
	pmax := 0.0
	for _, x := range p {
		pmax = max(pmax, x)
	}
	floor := float64(s.MinP) * pmax
	if s.TopP > 0 && s.TopP < 1 && s.TopK == 0 {
		for t := pmax * 1e-3; t > floor; t *= 1e-3 {
			var mass float64
			for _, x := range p {
				if x >= t {
					mass += x
				}
			}
			if mass >= float64(s.TopP) {
				floor = t
				break
			}
		}
	}
	c := sm.cand[:0]
	for i, x := range p {
		if x >= floor {
			c = append(c, cand{int32(i), x})
		}
	}
	better := func(a, b cand) int {
		switch {
		case a.p > b.p || a.p == b.p && a.id < b.id:
			return -1
		case a == b:
			return 0
		}
		return 1
	}
	if s.TopK > 0 && s.TopK < len(c) {
		c = topK(c, s.TopK, better)
	}
	slices.SortFunc(c, better)
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
	var sum float64
	for _, x := range c {
		sum += x.p
	}
	for i := range c {
		c[i].p /= sum
	}
	sm.cand = c
	return c
}

// softmax returns softmax(logits/T) in a buffer reused across steps.
func (sm *sampler) softmax(logits []float32) []float64 {
	if cap(sm.prob) < len(logits) {
		sm.prob = make([]float64, len(logits))
	}
	p := sm.prob[:len(logits)]
	maxL := float32(math.Inf(-1))
	for _, v := range logits {
		maxL = max(maxL, v)
	}
	var sum float64
	for i, v := range logits {
		p[i] = math.Exp(float64((v - maxL) / sm.s.Temperature))
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// topK moves the k best candidates to the front in O(n log k) with a
// min-heap of the best so far, and returns them (unsorted).
func topK(c []cand, k int, better func(a, b cand) int) []cand {
	h := c[:k]
	worse := func(i, j int) bool { return better(h[i], h[j]) > 0 }
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < k && worse(l, w) {
				w = l
			}
			if r := l + 1; r < k && worse(r, w) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, x := range c[k:] {
		if better(x, h[0]) < 0 {
			h[0] = x
			down(0)
		}
	}
	return h
}

// next picks a token; logits may be modified.
func (sm *sampler) next(logits []float32, seen []int32) int32 {
	sm.penalize(logits, seen)
	if sm.s.Temperature == 0 {
		return int32(kernels.Argmax(logits))
	}
	if sm.s.TopK == 0 && (sm.s.TopP == 0 || sm.s.TopP == 1) && sm.s.MinP == 0 {
		return sm.plain(logits)
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

// plain draws from softmax(logits/T) in index order, without sorting.
func (sm *sampler) plain(logits []float32) int32 {
	u := sm.rng.Float64()
	p := sm.softmax(logits)
	for i, x := range p {
		if u -= x; u < 0 {
			return int32(i)
		}
	}
	return int32(len(p) - 1)
}
