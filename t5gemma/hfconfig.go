package t5gemma

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The Hugging Face config.json of T5Gemma2ForConditionalGeneration, as much of
// it as the engine needs.
type hfConfig struct {
	ModelType       string          `json:"model_type"`
	BOS             *int32          `json:"bos_token_id"`
	EOS             json.RawMessage `json:"eos_token_id"` // int or list
	PAD             *int32          `json:"pad_token_id"`
	DecoderStart    *int32          `json:"decoder_start_token_id"`
	EOIIndex        *int32          `json:"eoi_token_index"`
	ImageTokenIndex *int32          `json:"image_token_index"`
	TieEmbeddings   *bool           `json:"tie_word_embeddings"`
	Encoder         struct {
		Text            hfText    `json:"text_config"`
		Vision          *hfVision `json:"vision_config"`
		BOIIndex        *int32    `json:"boi_token_index"`
		EOIIndex        *int32    `json:"eoi_token_index"`
		ImageTokenIndex *int32    `json:"image_token_index"`
		MMTokens        int       `json:"mm_tokens_per_image"`
	} `json:"encoder"`
	Decoder hfText `json:"decoder"`
}

type hfText struct {
	Vocab          int                        `json:"vocab_size"`
	Hidden         int                        `json:"hidden_size"`
	FFN            int                        `json:"intermediate_size"`
	Layers         int                        `json:"num_hidden_layers"`
	Heads          int                        `json:"num_attention_heads"`
	KVHeads        int                        `json:"num_key_value_heads"`
	HeadDim        int                        `json:"head_dim"`
	QueryScalar    float32                    `json:"query_pre_attn_scalar"`
	Eps            float32                    `json:"rms_norm_eps"`
	Window         int                        `json:"sliding_window"`
	LayerTypes     []string                   `json:"layer_types"`
	MaxPos         int                        `json:"max_position_embeddings"`
	Activation     string                     `json:"hidden_activation"`
	AttnBias       bool                       `json:"attention_bias"`
	FinalSoftcap   *float32                   `json:"final_logit_softcapping"`
	RopeParameters map[string]json.RawMessage `json:"rope_parameters"`
	// Older spellings, folded into RopeParameters by transformers.
	RopeTheta     *float64 `json:"rope_theta"`
	RopeLocalBase *float64 `json:"rope_local_base_freq"`
	RopeScaling   *hfRope  `json:"rope_scaling"`
	UseBidir      *bool    `json:"use_bidirectional_attention"`
	EOS           *int32   `json:"eos_token_id"`
}

type hfRope struct {
	Type   string   `json:"rope_type"`
	Theta  *float64 `json:"rope_theta"`
	Factor *float64 `json:"factor"`
}

type hfVision struct {
	ImageSize  int     `json:"image_size"`
	PatchSize  int     `json:"patch_size"`
	Hidden     int     `json:"hidden_size"`
	Layers     int     `json:"num_hidden_layers"`
	Heads      int     `json:"num_attention_heads"`
	FFN        int     `json:"intermediate_size"`
	Eps        float32 `json:"layer_norm_eps"`
	Activation string  `json:"hidden_act"`
	Channels   int     `json:"num_channels"`
	UseHead    bool    `json:"vision_use_head"`
}

type hfPreprocessor struct {
	Mean    []float32 `json:"image_mean"`
	Std     []float32 `json:"image_std"`
	Rescale *float64  `json:"rescale_factor"`
	Size    struct {
		Height int `json:"height"`
		Width  int `json:"width"`
	} `json:"size"`
	PanAndScan bool `json:"do_pan_and_scan"`
}

type hfGeneration struct {
	BOS          *int32          `json:"bos_token_id"`
	EOS          json.RawMessage `json:"eos_token_id"`
	PAD          *int32          `json:"pad_token_id"`
	DecoderStart *int32          `json:"decoder_start_token_id"`
}

// ReadHFConfig reads config.json (and, when present, generation_config.json
// and preprocessor_config.json) from a Hugging Face checkpoint folder.
func ReadHFConfig(dir string) (*Config, error) {
	var hc hfConfig
	if err := readJSON(filepath.Join(dir, "config.json"), &hc, true); err != nil {
		return nil, err
	}
	if hc.ModelType != "t5gemma2" {
		return nil, fmt.Errorf("config.json: model_type %q, want \"t5gemma2\"", hc.ModelType)
	}
	if hc.TieEmbeddings != nil && !*hc.TieEmbeddings {
		// T5Gemma 2 shares one matrix as embeddings and LM head; an untied
		// head would need its own tensor, which no released model has.
		return nil, fmt.Errorf("config.json: tie_word_embeddings=false is not supported")
	}
	c := &Config{Vocab: hc.Encoder.Text.Vocab, Hidden: hc.Encoder.Text.Hidden}
	if hc.Decoder.Hidden != c.Hidden || hc.Decoder.Vocab != c.Vocab {
		return nil, fmt.Errorf("config.json: decoder hidden/vocab %d/%d differ from the encoder's %d/%d",
			hc.Decoder.Hidden, hc.Decoder.Vocab, c.Hidden, c.Vocab)
	}
	var err error
	if c.Enc, err = hc.Encoder.Text.stack("encoder"); err != nil {
		return nil, err
	}
	// T5Gemma 2 reads inputs of up to 128K tokens (the model card; RoPE has no
	// built-in limit and transformers runs such inputs) although the released
	// configs say max_position_embeddings 32768, which bounds the output.
	c.Enc.Context = max(c.Enc.Context, 131072)
	if c.Dec, err = hc.Decoder.stack("decoder"); err != nil {
		return nil, err
	}
	if s := hc.Decoder.FinalSoftcap; s != nil {
		c.FinalSoftcap = *s
	}

	c.BOS = pick(2, hc.BOS)
	c.BOI = pick(255999, hc.Encoder.BOIIndex)
	c.EOI = pick(256000, hc.Encoder.EOIIndex, hc.EOIIndex)
	c.ImageToken = pick(256001, hc.ImageTokenIndex, hc.Encoder.ImageTokenIndex)
	c.MMTokensPerImage = hc.Encoder.MMTokens
	if err := c.generationIDs(dir, &hc); err != nil {
		return nil, err
	}

	if v := hc.Encoder.Vision; v != nil {
		if c.Vision, err = v.config(); err != nil {
			return nil, err
		}
		var pp hfPreprocessor
		if err := readJSON(filepath.Join(dir, "preprocessor_config.json"), &pp, false); err != nil {
			return nil, err
		}
		if err := pp.apply(c.Vision); err != nil {
			return nil, err
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// generationIDs sets the decoder start, pad and eos ids the way
// transformers' generate() finds them: from generation_config.json when the
// checkpoint has one (start = its decoder_start_token_id, else its
// bos_token_id; pad = its pad_token_id, else the first eos), ignoring
// config.json's; from config.json otherwise.
func (c *Config) generationIDs(dir string, hc *hfConfig) error {
	var gen hfGeneration
	path := filepath.Join(dir, "generation_config.json")
	if _, err := os.Stat(path); err != nil {
		eos, err := tokenIDs("config.json eos_token_id", hc.EOS)
		c.EOS, c.PAD, c.DecoderStart = eos, pick(0, hc.PAD), pick(c.BOS, hc.DecoderStart)
		return err
	}
	if err := readJSON(path, &gen, true); err != nil {
		return err
	}
	eos, err := tokenIDs("generation_config.json eos_token_id", gen.EOS)
	if err != nil {
		return err
	}
	c.EOS = eos
	c.DecoderStart = pick(c.BOS, gen.DecoderStart, gen.BOS)
	pad := int32(0)
	if len(eos) > 0 {
		pad = eos[0]
	}
	c.PAD = pick(pad, gen.PAD)
	return nil
}

func (t *hfText) stack(name string) (StackConfig, error) {
	s := StackConfig{
		Layers: t.Layers, Heads: t.Heads, KVHeads: t.KVHeads, HeadDim: t.HeadDim, FFN: t.FFN,
		Window: t.Window, QueryScalar: t.QueryScalar, Eps: t.Eps, Context: t.MaxPos,
	}
	if s.HeadDim == 0 && t.Heads > 0 {
		s.HeadDim = t.Hidden / t.Heads
	}
	if s.Eps == 0 {
		s.Eps = 1e-6
	}
	if s.Context == 0 {
		s.Context = 131072
	}
	if t.Activation != "" && t.Activation != "gelu_pytorch_tanh" {
		return s, fmt.Errorf("config.json: %s hidden_activation %q is not supported (want gelu_pytorch_tanh)", name, t.Activation)
	}
	if t.AttnBias {
		return s, fmt.Errorf("config.json: %s attention_bias=true is not supported", name)
	}
	if t.UseBidir != nil && *t.UseBidir {
		// transformers then rewrites the window to W//2+1; not in any released config.
		return s, fmt.Errorf("config.json: %s use_bidirectional_attention=true is not supported", name)
	}
	types := t.LayerTypes
	if len(types) == 0 {
		for i := range t.Layers {
			if (i+1)%6 == 0 {
				types = append(types, "full_attention")
			} else {
				types = append(types, "sliding_attention")
			}
		}
	}
	for i, lt := range types {
		switch lt {
		case "sliding_attention":
			s.Sliding = append(s.Sliding, true)
		case "full_attention":
			s.Sliding = append(s.Sliding, false)
		default:
			return s, fmt.Errorf("config.json: %s layer %d has unknown type %q", name, i, lt)
		}
	}
	var err error
	if s.RopeBase, s.RopeFactor, err = t.rope("full_attention", 1e6); err != nil {
		return s, fmt.Errorf("config.json: %s: %w", name, err)
	}
	if s.RopeBaseSWA, s.RopeFactorSWA, err = t.rope("sliding_attention", 1e4); err != nil {
		return s, fmt.Errorf("config.json: %s: %w", name, err)
	}
	return s, nil
}

// rope returns the base and linear factor for one layer type, from
// rope_parameters or from the older rope_theta / rope_local_base_freq /
// rope_scaling keys.
func (t *hfText) rope(layerType string, defBase float64) (base, factor float64, err error) {
	base, factor = defBase, 1
	var r hfRope
	if raw, ok := t.RopeParameters[layerType]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &r); err != nil {
			return 0, 0, fmt.Errorf("rope_parameters[%s]: %v", layerType, err)
		}
	} else {
		if layerType == "full_attention" {
			r.Theta = t.RopeTheta
			if t.RopeScaling != nil {
				r.Type, r.Factor = t.RopeScaling.Type, t.RopeScaling.Factor
			}
		} else {
			r.Theta = t.RopeLocalBase
		}
	}
	if r.Theta != nil {
		base = *r.Theta
	}
	switch r.Type {
	case "", "default":
	case "linear":
		if r.Factor == nil {
			return 0, 0, fmt.Errorf("rope_parameters[%s]: linear scaling without a factor", layerType)
		}
		factor = *r.Factor
	default:
		return 0, 0, fmt.Errorf("rope_parameters[%s]: rope_type %q is not supported (default and linear are)", layerType, r.Type)
	}
	return base, factor, nil
}

func (v *hfVision) config() (*VisionConfig, error) {
	if v.Activation != "" && v.Activation != "gelu_pytorch_tanh" {
		return nil, fmt.Errorf("config.json: vision hidden_act %q is not supported", v.Activation)
	}
	if v.Channels != 0 && v.Channels != 3 {
		return nil, fmt.Errorf("config.json: vision num_channels %d is not supported (want 3)", v.Channels)
	}
	if v.UseHead {
		return nil, fmt.Errorf("config.json: vision_use_head=true is not supported")
	}
	vc := &VisionConfig{ImageSize: v.ImageSize, PatchSize: v.PatchSize, Hidden: v.Hidden, Layers: v.Layers,
		Heads: v.Heads, FFN: v.FFN, Eps: v.Eps, Mean: [3]float32{0.5, 0.5, 0.5}, Std: [3]float32{0.5, 0.5, 0.5},
		Rescale: 1.0 / 255}
	if vc.Eps == 0 {
		vc.Eps = 1e-6
	}
	return vc, nil
}

func (p *hfPreprocessor) apply(v *VisionConfig) error {
	if p.PanAndScan {
		return fmt.Errorf("preprocessor_config.json: do_pan_and_scan=true is not supported")
	}
	if p.Size.Height != 0 && (p.Size.Height != v.ImageSize || p.Size.Width != v.ImageSize) {
		return fmt.Errorf("preprocessor_config.json: size %dx%d differs from the vision tower's %d",
			p.Size.Width, p.Size.Height, v.ImageSize)
	}
	for name, src := range map[string][]float32{"image_mean": p.Mean, "image_std": p.Std} {
		if src == nil {
			continue
		}
		if len(src) != 3 {
			return fmt.Errorf("preprocessor_config.json: %s has %d values, want 3", name, len(src))
		}
	}
	if p.Mean != nil {
		copy(v.Mean[:], p.Mean)
	}
	if p.Std != nil {
		copy(v.Std[:], p.Std)
	}
	if p.Rescale != nil {
		v.Rescale = *p.Rescale
	}
	return nil
}

// readJSON decodes path into v; a missing optional file is not an error.
func readJSON(path string, v any, required bool) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %v", filepath.Base(path), err)
	}
	return nil
}

func pick(def int32, vals ...*int32) int32 {
	for _, v := range vals {
		if v != nil {
			return *v
		}
	}
	return def
}

// tokenIDs decodes an id that may be an int, a list of ints or null.
func tokenIDs(what string, raw json.RawMessage) ([]int32, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one int32
	if json.Unmarshal(raw, &one) == nil {
		return []int32{one}, nil
	}
	var many []int32
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("%s: want an id or a list of ids: %v", what, err)
	}
	return many, nil
}
