package t5gemma

import (
	"fmt"
	"math"
)

// StackConfig describes one text stack (the encoder or the decoder). The two
// share the hidden size and vocabulary but may differ in everything else.
type StackConfig struct {
	Layers        int
	Heads         int     // query heads
	KVHeads       int     // key/value heads (GQA: Heads/KVHeads query heads share one)
	HeadDim       int     // width of one head
	FFN           int     // MLP intermediate size
	Window        int     // sliding_window W of sliding layers
	Sliding       []bool  // per layer: true = sliding_attention, false = full_attention
	QueryScalar   float32 // scores are scaled by QueryScalar^-0.5
	Eps           float32 // RMSNorm epsilon
	Context       int     // max_position_embeddings
	RopeBase      float64 // full-attention layers
	RopeFactor    float64 // linear scaling of full-attention layers (1 = none)
	RopeBaseSWA   float64 // sliding layers
	RopeFactorSWA float64 // linear scaling of sliding layers (1 = none)
}

// VisionConfig describes the SigLIP tower, the projector and the image
// preprocessing.
type VisionConfig struct {
	ImageSize int
	PatchSize int
	Hidden    int
	Layers    int
	Heads     int
	FFN       int
	Eps       float32
	Mean, Std [3]float32
	Rescale   float64 // 1/255, applied in float64 as numpy does
}

// Config is everything the forward passes need, read from the GGUF file and
// validated once.
type Config struct {
	Vocab  int
	Hidden int
	Enc    StackConfig
	Dec    StackConfig

	BOS, PAD, DecoderStart int32
	EOS                    []int32 // generation stops on any of these (none: only at the token limit)
	BOI, EOI, ImageToken   int32   // <start_of_image>, <end_of_image>, image soft token
	MMTokensPerImage       int
	FinalSoftcap           float32 // 0 = none

	Vision *VisionConfig // nil when the file has no vision tower
}

// EmbedScale is the factor applied to token embeddings: sqrt(hidden), rounded
// to float32 as transformers does when it computes in float32.
func (c *Config) EmbedScale() float32 { return float32(math.Sqrt(float64(c.Hidden))) }

// Validate checks that the numbers are consistent and within what the engine
// supports.
func (c *Config) Validate() error {
	if c.Vocab <= 0 || c.Hidden <= 0 {
		return fmt.Errorf("config: vocab %d and hidden %d must be positive", c.Vocab, c.Hidden)
	}
	for _, s := range []struct {
		name string
		s    *StackConfig
	}{{"encoder", &c.Enc}, {"decoder", &c.Dec}} {
		if err := s.s.validate(); err != nil {
			return fmt.Errorf("config: %s: %w", s.name, err)
		}
	}
	ids := []struct {
		name string
		id   int32
	}{{"bos", c.BOS}, {"pad", c.PAD}, {"decoder_start", c.DecoderStart}, {"boi", c.BOI}, {"eoi", c.EOI}, {"image_token", c.ImageToken}}
	for _, e := range c.EOS {
		ids = append(ids, struct {
			name string
			id   int32
		}{"eos", e})
	}
	for _, x := range ids {
		if x.id < 0 || int(x.id) >= c.Vocab {
			return fmt.Errorf("config: %s token id %d outside the vocabulary [0,%d)", x.name, x.id, c.Vocab)
		}
	}
	if c.FinalSoftcap < 0 {
		return fmt.Errorf("config: final_logit_softcapping %g is negative", c.FinalSoftcap)
	}
	if v := c.Vision; v != nil {
		// Like the Conv2d it replaces, the patch grid ignores a remainder of
		// fewer than PatchSize pixels.
		if v.ImageSize <= 0 || v.PatchSize <= 0 || v.ImageSize < v.PatchSize {
			return fmt.Errorf("config: vision image size %d and patch size %d make no patches", v.ImageSize, v.PatchSize)
		}
		if v.Hidden <= 0 || v.Layers < 0 || v.Heads <= 0 || v.Hidden%v.Heads != 0 || v.FFN <= 0 {
			return fmt.Errorf("config: vision hidden %d, heads %d, ffn %d, layers %d are inconsistent", v.Hidden, v.Heads, v.FFN, v.Layers)
		}
		side := v.ImageSize / v.PatchSize
		per := int(math.Round(math.Sqrt(float64(c.MMTokensPerImage))))
		// transformers pools with AvgPool2d(kernel = side/per), which drops a
		// remainder; it must still leave per×per tokens.
		if c.MMTokensPerImage <= 0 || per*per != c.MMTokensPerImage || per > side || side/(side/per) != per {
			return fmt.Errorf("config: mm_tokens_per_image %d cannot be pooled from a %d×%d patch grid", c.MMTokensPerImage, side, side)
		}
		for i := range 3 {
			if v.Std[i] == 0 {
				return fmt.Errorf("config: vision image_std[%d] is zero", i)
			}
		}
	}
	return nil
}

func (s *StackConfig) validate() error {
	switch {
	case s.Layers <= 0:
		return fmt.Errorf("block_count %d must be positive", s.Layers)
	case len(s.Sliding) != s.Layers:
		return fmt.Errorf("%d layer types for %d layers", len(s.Sliding), s.Layers)
	case s.Heads <= 0 || s.KVHeads <= 0 || s.Heads%s.KVHeads != 0:
		return fmt.Errorf("%d query heads cannot share %d key/value heads", s.Heads, s.KVHeads)
	case s.HeadDim <= 0 || s.HeadDim%2 != 0:
		return fmt.Errorf("head_dim %d must be positive and even (RoPE rotates halves)", s.HeadDim)
	case s.FFN <= 0:
		return fmt.Errorf("intermediate size %d must be positive", s.FFN)
	case s.QueryScalar <= 0:
		return fmt.Errorf("query_pre_attn_scalar %g must be positive", s.QueryScalar)
	case !(s.Eps > 0):
		return fmt.Errorf("rms_norm_eps %g must be positive", s.Eps)
	case s.RopeBase <= 1 || s.RopeBaseSWA <= 1:
		return fmt.Errorf("rope bases %g and %g must exceed 1", s.RopeBase, s.RopeBaseSWA)
	case s.RopeFactor < 1 || s.RopeFactorSWA < 1:
		return fmt.Errorf("rope linear factors %g and %g must be at least 1", s.RopeFactor, s.RopeFactorSWA)
	case s.Context <= 0:
		return fmt.Errorf("max_position_embeddings %d must be positive", s.Context)
	}
	for _, sl := range s.Sliding {
		if sl && s.Window <= 0 {
			return fmt.Errorf("sliding layers need a positive sliding_window, have %d", s.Window)
		}
	}
	return nil
}
