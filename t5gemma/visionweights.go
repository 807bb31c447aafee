package t5gemma

import "github.com/t5go/t5go/tensor"

// VisionLayer is one SigLIP encoder layer (C = vision hidden, F = vision FFN).
type VisionLayer struct {
	LN1W, LN1B   []float32     // [C] layer_norm1
	Q, K, V, Out tensor.Tensor // [C → C]
	QB, KB, VB   []float32     // [C]
	OutB         []float32     // [C]
	LN2W, LN2B   []float32     // [C] layer_norm2
	Up           tensor.Tensor // [C → F] fc1
	UpB          []float32     // [F]
	Down         tensor.Tensor // [F → C] fc2
	DownB        []float32     // [C]
}

// VisionWeights are the SigLIP tower and the multimodal projector.
type VisionWeights struct {
	PatchW    tensor.Tensor // [3·p·p → C] Conv2d kernel, one row per output channel, (channel, y, x) order
	PatchB    []float32     // [C]
	Pos       []float32     // [patches × C] position embeddings
	Layers    []VisionLayer //
	PostLNW   []float32     // [C] post_layernorm
	PostLNB   []float32     // [C]
	SoftNorm  []float32     // [C] mm_soft_emb_norm, RMSNorm (1+w)
	InputProj tensor.Tensor // [C → H] mm_input_projection (transposed from HF at conversion)
}

func (b *binder) vision(c *VisionConfig) *VisionWeights {
	v := &VisionWeights{
		PatchW: b.matrix(nameVPatchW),
		PatchB: b.vector(nameVPatchB),
		Pos:    b.vector(nameVPos),
		Layers: make([]VisionLayer, c.Layers),
	}
	for l := range v.Layers {
		n := func(t string) string { return blkName("v", l, t) }
		v.Layers[l] = VisionLayer{
			LN1W: b.vector(n(vLN1W)), LN1B: b.vector(n(vLN1B)),
			Q: b.matrix(n(vQW)), QB: b.vector(n(vQB)),
			K: b.matrix(n(vKW)), KB: b.vector(n(vKB)),
			V: b.matrix(n(vVW)), VB: b.vector(n(vVB)),
			Out: b.matrix(n(vOutW)), OutB: b.vector(n(vOutB)),
			LN2W: b.vector(n(vLN2W)), LN2B: b.vector(n(vLN2B)),
			Up: b.matrix(n(vUpW)), UpB: b.vector(n(vUpB)),
			Down: b.matrix(n(vDownW)), DownB: b.vector(n(vDownB)),
		}
	}
	v.PostLNW = b.vector(nameVPostLNW)
	v.PostLNB = b.vector(nameVPostLNB)
	v.SoftNorm = b.vector(nameMMSoftNorm)
	v.InputProj = b.matrix(nameMMInputProjW)
	return v
}
