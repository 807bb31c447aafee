package t5gemma

import (
	"context"
	"fmt"
	"github.com/t5go/t5go/kernels"
	"slices"
)

// Greedy generates up to maxNew tokens per row after Encode, starting every
// row from the decoder start token and taking the argmax at each step, the way
// transformers' generate(do_sample=False) does: a row that produced an EOS id
// is then padded with the pad id, and generation stops when every row has
// finished. onStep, if set, sees each step's tokens and logits ([rows × vocab])
// before the next step; returning false stops early.
func (st *State) Greedy(ctx context.Context, maxNew int, onStep func(step int, tokens []int32, logits []float32) bool) ([][]int32, error) {
	B, c := st.b, st.cfg
	if B == 0 {
		return nil, fmt.Errorf("t5gemma: Greedy before Encode")
	}
	if maxNew+1 > st.lim.DecLen {
		return nil, fmt.Errorf("t5gemma: %d new tokens exceed the state's decoder limit of %d", maxNew, st.lim.DecLen-1)
	}
	out := make([][]int32, B)
	cur := make([]int32, B)
	done := make([]bool, B)
	for b := range B {
		cur[b] = c.DecoderStart
		out[b] = append(make([]int32, 0, maxNew+1), c.DecoderStart)
	}
	st.restart()
	for step := range maxNew {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		logits, err := st.Decode(cur, 1, false)
		if err != nil {
			return out, err
		}
		finished := true
		for b := range B {
			next := c.PAD
			if !done[b] {
				next = int32(kernels.Argmax(logits[b*c.Vocab : (b+1)*c.Vocab]))
				done[b] = slices.Contains(c.EOS, next)
			}
			cur[b] = next
			out[b] = append(out[b], next)
			finished = finished && done[b]
		}
		if onStep != nil && !onStep(step, cur, logits) {
			break
		}
		if finished {
			break
		}
	}
	return out, nil
}
