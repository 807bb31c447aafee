package t5gemma

import (
	"fmt"
	"strings"
)

// kind says how a checkpoint tensor is used, which decides its storage type
// and how it is laid out.
type kind int

const (
	kindVector     kind = iota // norms, biases, the eoi vector: always f32
	kindMatrix                 // a linear layer's weight, rows = outputs
	kindEmbedding              // the tied token embedding / LM head
	kindPosTable               // an additive table (vision position embeddings)
	kindTransposed             // stored [in, out] by HF (mm_input_projection_weight): transposed on conversion
)

// tensorSpec is one tensor of a T5Gemma 2 file: its GGUF name, its name in a
// Hugging Face checkpoint and its ggml shape (Shape[0] = row length).
type tensorSpec struct {
	Name  string
	HF    string
	Shape []int
	Kind  kind
}

// tensorSpecs lists every tensor the model has, in file order. It is the
// single list both the converter and the loader work from.
func tensorSpecs(c *Config) []tensorSpec {
	H, V := c.Hidden, c.Vocab
	specs := []tensorSpec{
		{nameTokenEmbd, "model.encoder.embed_tokens.weight", []int{H, V}, kindEmbedding},
		{nameTokenEmbdEOI, "model.encoder.embed_tokens.eoi_embedding", []int{H}, kindVector},
	}
	if v := c.Vision; v != nil {
		C, P := v.Hidden, (v.ImageSize/v.PatchSize)*(v.ImageSize/v.PatchSize)
		vt := "model.encoder.vision_tower."
		specs = append(specs,
			tensorSpec{nameVPatchW, vt + "embeddings.patch_embedding.weight", []int{3 * v.PatchSize * v.PatchSize, C}, kindMatrix},
			tensorSpec{nameVPatchB, vt + "embeddings.patch_embedding.bias", []int{C}, kindVector},
			tensorSpec{nameVPos, vt + "embeddings.position_embedding.weight", []int{C, P}, kindPosTable},
		)
		for l := range v.Layers {
			hf := fmt.Sprintf("%sencoder.layers.%d.", vt, l)
			add := func(t, h string, shape []int, k kind) {
				specs = append(specs, tensorSpec{blkName("v", l, t), hf + h, shape, k})
			}
			add(vLN1W, "layer_norm1.weight", []int{C}, kindVector)
			add(vLN1B, "layer_norm1.bias", []int{C}, kindVector)
			add(vQW, "self_attn.q_proj.weight", []int{C, C}, kindMatrix)
			add(vQB, "self_attn.q_proj.bias", []int{C}, kindVector)
			add(vKW, "self_attn.k_proj.weight", []int{C, C}, kindMatrix)
			add(vKB, "self_attn.k_proj.bias", []int{C}, kindVector)
			add(vVW, "self_attn.v_proj.weight", []int{C, C}, kindMatrix)
			add(vVB, "self_attn.v_proj.bias", []int{C}, kindVector)
			add(vOutW, "self_attn.out_proj.weight", []int{C, C}, kindMatrix)
			add(vOutB, "self_attn.out_proj.bias", []int{C}, kindVector)
			add(vLN2W, "layer_norm2.weight", []int{C}, kindVector)
			add(vLN2B, "layer_norm2.bias", []int{C}, kindVector)
			add(vUpW, "mlp.fc1.weight", []int{C, v.FFN}, kindMatrix)
			add(vUpB, "mlp.fc1.bias", []int{v.FFN}, kindVector)
			add(vDownW, "mlp.fc2.weight", []int{v.FFN, C}, kindMatrix)
			add(vDownB, "mlp.fc2.bias", []int{C}, kindVector)
		}
		mp := "model.encoder.multi_modal_projector."
		specs = append(specs,
			tensorSpec{nameVPostLNW, vt + "post_layernorm.weight", []int{C}, kindVector},
			tensorSpec{nameVPostLNB, vt + "post_layernorm.bias", []int{C}, kindVector},
			tensorSpec{nameMMSoftNorm, mp + "mm_soft_emb_norm.weight", []int{C}, kindVector},
			tensorSpec{nameMMInputProjW, mp + "mm_input_projection_weight", []int{C, H}, kindTransposed},
		)
	}
	specs = append(specs, stackSpecs(encPrefix, "model.encoder.", H, &c.Enc)...)
	specs = append(specs, stackSpecs(decPrefix, "model.decoder.", H, &c.Dec)...)
	return specs
}

func stackSpecs(stack, hfPrefix string, H int, s *StackConfig) []tensorSpec {
	q, kv := s.Heads*s.HeadDim, s.KVHeads*s.HeadDim
	var specs []tensorSpec
	for l := range s.Layers {
		hf := fmt.Sprintf("%slayers.%d.", hfPrefix, l)
		add := func(t, h string, shape []int, k kind) {
			specs = append(specs, tensorSpec{blkName(stack, l, t), hf + h, shape, k})
		}
		add(tAttnNorm, "pre_self_attn_layernorm.weight", []int{H}, kindVector)
		add(tAttnQ, "self_attn.q_proj.weight", []int{H, q}, kindMatrix)
		add(tAttnK, "self_attn.k_proj.weight", []int{H, kv}, kindMatrix)
		add(tAttnV, "self_attn.v_proj.weight", []int{H, kv}, kindMatrix)
		add(tAttnQNorm, "self_attn.q_norm.weight", []int{s.HeadDim}, kindVector)
		add(tAttnKNorm, "self_attn.k_norm.weight", []int{s.HeadDim}, kindVector)
		add(tAttnO, "self_attn.o_proj.weight", []int{q, H}, kindMatrix)
		add(tAttnPostNorm, "post_self_attn_layernorm.weight", []int{H}, kindVector)
		add(tFFNNorm, "pre_feedforward_layernorm.weight", []int{H}, kindVector)
		add(tFFNGate, "mlp.gate_proj.weight", []int{H, s.FFN}, kindMatrix)
		add(tFFNUp, "mlp.up_proj.weight", []int{H, s.FFN}, kindMatrix)
		add(tFFNDown, "mlp.down_proj.weight", []int{s.FFN, H}, kindMatrix)
		add(tFFNPostNorm, "post_feedforward_layernorm.weight", []int{H}, kindVector)
	}
	specs = append(specs, tensorSpec{outputNormName(stack), hfPrefix + "norm.weight", []int{H}, kindVector})
	return specs
}

// hfAliases are the other spellings transformers uses for a checkpoint name:
// in memory it nests the encoder's text part under text_model and the vision
// tower under vision_model, and some versions save those names.
func hfAliases(name string) []string {
	names := []string{name}
	if rest, ok := strings.CutPrefix(name, "model.encoder.vision_tower."); ok {
		names = append(names, "model.encoder.vision_tower.vision_model."+rest)
	} else if rest, ok := strings.CutPrefix(name, "model.encoder."); ok && !strings.HasPrefix(rest, "multi_modal_projector.") {
		names = append(names, "model.encoder.text_model."+rest)
	}
	return names
}

// tiedCopies are checkpoint names that repeat the shared embedding; the
// converter accepts and skips them.
var tiedCopies = []string{
	"model.decoder.embed_tokens.weight",
	"model.decoder.embed_tokens.eoi_embedding",
	"lm_head.out_proj.weight",
	"lm_head.weight",
}

// hfShape is the PyTorch shape of a spec's checkpoint tensor.
func (s tensorSpec) hfShape(c *Config) []int {
	switch {
	case s.Kind == kindTransposed:
		return []int{s.Shape[0], s.Shape[1]}
	case s.Name == nameVPatchW:
		p := c.Vision.PatchSize
		return []int{s.Shape[1], 3, p, p}
	case len(s.Shape) == 1:
		return []int{s.Shape[0]}
	}
	return []int{s.Shape[1], s.Shape[0]}
}
