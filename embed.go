package t5go

import (
	"context"

	"github.com/t5go/t5go/t5gemma"
)

// Pooling says how Embed turns the encoder's per-token states into output.
type Pooling string

const (
	PoolMean Pooling = "mean" // one vector: the mean over the input's tokens
	PoolNone Pooling = "none" // one vector per token
)

// Embedding is the encoder's view of one input: its final hidden states
// (after the encoder's last norm), pooled or per token.
type Embedding struct {
	Tokens  []int32     // the encoder input ids
	Vectors [][]float32 // one vector (PoolMean) or one per token (PoolNone)
}

// Embed runs the encoder on text (and images, one per placeholder) and
// returns its final hidden states. T5-family encoders are widely used as
// text encoders; this is that use.
func (m *Model) Embed(ctx context.Context, text string, images []Image, pool Pooling) (Embedding, error) {
	if err := m.acquire(); err != nil {
		return Embedding{}, err
	}
	defer m.release()
	if pool != PoolMean && pool != PoolNone {
		return Embedding{}, invalid("t5go: pooling %q (want mean or none)", pool)
	}
	if text == "" && len(images) == 0 {
		return Embedding{}, invalid("t5go: empty input")
	}
	c := m.m.Config
	ids, err := m.encoderIDs(text, len(images))
	if err != nil {
		return Embedding{}, err
	}
	if len(ids) > c.Enc.Context {
		return Embedding{}, invalid("t5go: the input is %d tokens, past the model's encoder context of %d", len(ids), c.Enc.Context)
	}
	feats, err := m.imageFeatures(images)
	if err != nil {
		return Embedding{}, err
	}
	if err := ctx.Err(); err != nil {
		return Embedding{}, err
	}
	st, err := m.m.NewState(t5gemma.Limits{Batch: 1, EncLen: len(ids), DecLen: 1}, m.pool)
	if err != nil {
		return Embedding{}, err
	}
	if err := st.EncodeContext(ctx, t5gemma.EncoderInput{B: 1, S: len(ids), IDs: ids, Images: feats}); err != nil {
		return Embedding{}, err
	}
	H := c.Hidden
	hidden := st.EncoderOutput()
	e := Embedding{Tokens: ids}
	if pool == PoolNone {
		for t := range ids {
			e.Vectors = append(e.Vectors, append([]float32(nil), hidden[t*H:(t+1)*H]...))
		}
		return e, nil
	}
	mean := make([]float32, H)
	for t := range ids {
		for i, v := range hidden[t*H : (t+1)*H] {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float32(len(ids))
	}
	e.Vectors = [][]float32{mean}
	return e, nil
}
