package t5gemma

import "fmt"

// Released shapes. The 270M values are from the released config.json; the
// 1B and 4B text values are Gemma 3 1B/4B's (they reproduce the published
// parameter totals); the vision tower is SigLIP So400m at 896 px.
func SizeConfig(size string) (*Config, error) {
	var hidden, layers, heads, kv, ffn, window int
	switch size {
	case "270m":
		hidden, layers, heads, kv, ffn, window = 640, 18, 4, 1, 2048, 512
	case "1b":
		hidden, layers, heads, kv, ffn, window = 1152, 26, 4, 1, 6912, 512
	case "4b":
		hidden, layers, heads, kv, ffn, window = 2560, 34, 8, 4, 10240, 1024
	default:
		return nil, fmt.Errorf("unknown size %q (want 270m, 1b or 4b)", size)
	}
	stack := StackConfig{
		Layers: layers, Heads: heads, KVHeads: kv, HeadDim: 256, FFN: ffn, Window: window,
		QueryScalar: 256, Eps: 1e-6, Context: 131072,
		RopeBase: 1e6, RopeFactor: 8, RopeBaseSWA: 1e4, RopeFactorSWA: 1,
	}
	for i := range layers {
		stack.Sliding = append(stack.Sliding, (i+1)%6 != 0)
	}
	dec := stack
	dec.Sliding = append([]bool(nil), stack.Sliding...)
	c := &Config{
		Vocab: 262144, Hidden: hidden, Enc: stack, Dec: dec,
		BOS: 2, PAD: 0, DecoderStart: 2, EOS: []int32{1},
		BOI: 255999, EOI: 256000, ImageToken: 256001, MMTokensPerImage: 256,
		Vision: &VisionConfig{ImageSize: 896, PatchSize: 14, Hidden: 1152, Layers: 27, Heads: 16, FFN: 4304,
			Eps: 1e-6, Mean: [3]float32{0.5, 0.5, 0.5}, Std: [3]float32{0.5, 0.5, 0.5}, Rescale: 1.0 / 255},
	}
	return c, c.Validate()
}
