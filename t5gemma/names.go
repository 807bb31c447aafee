package t5gemma

import "fmt"

// GGUF names. Tensor names follow llama.cpp's conventions (token_embd,
// enc.blk.N.*, dec.blk.N.*, v.blk.N.*, mm.*); every name t5go writes or reads
// is built here and nowhere else.

// Arch is the GGUF general.architecture of a T5Gemma 2 file.
const Arch = "t5gemma2"

// Stack prefixes of the two text stacks.
const (
	encPrefix = "enc"
	decPrefix = "dec"
)

// Shared tensors.
const (
	nameTokenEmbd    = "token_embd.weight"     // [vocab, hidden]: encoder input, decoder input and LM head (tied)
	nameTokenEmbdEOI = "token_embd_eoi.weight" // [hidden]: replaces the <end_of_image> embedding, unscaled
)

// Per-layer text tensors, relative to "<stack>.blk.N.".
const (
	tAttnNorm     = "attn_norm.weight"      // pre_self_attn_layernorm
	tAttnQ        = "attn_q.weight"         // q_proj
	tAttnK        = "attn_k.weight"         // k_proj (the decoder also projects encoder keys with it)
	tAttnV        = "attn_v.weight"         // v_proj
	tAttnO        = "attn_o.weight"         // o_proj
	tAttnQNorm    = "attn_q_norm.weight"    // q_norm
	tAttnKNorm    = "attn_k_norm.weight"    // k_norm
	tAttnPostNorm = "attn_post_norm.weight" // post_self_attn_layernorm
	tFFNNorm      = "ffn_norm.weight"       // pre_feedforward_layernorm
	tFFNGate      = "ffn_gate.weight"       // mlp.gate_proj
	tFFNUp        = "ffn_up.weight"         // mlp.up_proj
	tFFNDown      = "ffn_down.weight"       // mlp.down_proj
	tFFNPostNorm  = "ffn_post_norm.weight"  // post_feedforward_layernorm
)

// Vision tower and projector. HF fc1 is ffn_up and fc2 is ffn_down here
// (llama.cpp's Gemma 3 mmproj swaps them; we keep the natural order).
const (
	nameVPatchW      = "v.patch_embd.weight"        // conv kernel flattened: rows [3·p·p] per output channel
	nameVPatchB      = "v.patch_embd.bias"          // [vision hidden]
	nameVPos         = "v.position_embd.weight"     // [patches, vision hidden]
	nameVPostLNW     = "v.post_ln.weight"           // post_layernorm
	nameVPostLNB     = "v.post_ln.bias"             //
	nameMMSoftNorm   = "mm.soft_emb_norm.weight"    // RMSNorm (1+w) over vision hidden
	nameMMInputProjW = "mm.input_projection.weight" // stored transposed from HF: rows = text hidden
)

const (
	vLN1W  = "ln1.weight"
	vLN1B  = "ln1.bias"
	vLN2W  = "ln2.weight"
	vLN2B  = "ln2.bias"
	vQW    = "attn_q.weight"
	vQB    = "attn_q.bias"
	vKW    = "attn_k.weight"
	vKB    = "attn_k.bias"
	vVW    = "attn_v.weight"
	vVB    = "attn_v.bias"
	vOutW  = "attn_out.weight"
	vOutB  = "attn_out.bias"
	vUpW   = "ffn_up.weight"
	vUpB   = "ffn_up.bias"
	vDownW = "ffn_down.weight"
	vDownB = "ffn_down.bias"
)

func blkName(stack string, layer int, t string) string {
	return fmt.Sprintf("%s.blk.%d.%s", stack, layer, t)
}

func outputNormName(stack string) string { return stack + ".output_norm.weight" }

// Metadata keys (prefix "t5gemma2.").
const (
	kVocab        = Arch + ".vocab_size"
	kHidden       = Arch + ".embedding_length"
	kBOS          = Arch + ".bos_token_id"
	kEOS          = Arch + ".eos_token_ids"
	kPAD          = Arch + ".pad_token_id"
	kDecStart     = Arch + ".decoder_start_token_id"
	kBOI          = Arch + ".boi_token_id"
	kEOI          = Arch + ".eoi_token_id"
	kImageToken   = Arch + ".image_token_id"
	kMMTokens     = Arch + ".mm_tokens_per_image"
	kFinalSoftcap = Arch + ".final_logit_softcapping"
	kSynthetic    = Arch + ".synthetic"
)

// Per-stack keys, under "t5gemma2.encoder." or "t5gemma2.decoder.".
const (
	sBlockCount    = "block_count"
	sContext       = "context_length"
	sFFN           = "feed_forward_length"
	sHeads         = "attention.head_count"
	sKVHeads       = "attention.head_count_kv"
	sHeadDim       = "attention.key_length"
	sEps           = "attention.layer_norm_rms_epsilon"
	sWindow        = "attention.sliding_window"
	sSlidingLayers = "attention.sliding_window_pattern" // one bool per layer: true = sliding
	sQueryScalar   = "attention.query_pre_attn_scalar"
	sRopeBase      = "rope.freq_base"     // full-attention layers
	sRopeBaseSWA   = "rope.freq_base_swa" // sliding layers
	sRopeScaling   = "rope.scaling.type"  // "none" or "linear" (full-attention layers only)
	sRopeFactor    = "rope.scaling.factor"
	sRopeScalingSW = "rope.scaling.type_swa"
	sRopeFactorSW  = "rope.scaling.factor_swa"
)

func stackKey(stack, k string) string {
	if stack == encPrefix {
		return Arch + ".encoder." + k
	}
	return Arch + ".decoder." + k
}

// Vision keys, under "t5gemma2.vision.".
const (
	kvImageSize = Arch + ".vision.image_size"
	kvPatchSize = Arch + ".vision.patch_size"
	kvHidden    = Arch + ".vision.embedding_length"
	kvBlocks    = Arch + ".vision.block_count"
	kvHeads     = Arch + ".vision.attention.head_count"
	kvFFN       = Arch + ".vision.feed_forward_length"
	kvEps       = Arch + ".vision.attention.layer_norm_epsilon"
	kvMean      = Arch + ".vision.image_mean"
	kvStd       = Arch + ".vision.image_std"
	kvRescale   = Arch + ".vision.rescale_factor"
)
