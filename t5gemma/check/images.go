package check

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/t5go/t5go/imageproc"
	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/t5gemma"
)

// imageFeatures loads the case's images (image0.png, image1.png, ... as many
// as pixel_values holds), preprocesses them, runs the vision tower and
// compares every stage; it returns the soft tokens of each image, or nil for
// text-only cases.
func imageFeatures(ctx context.Context, m *t5gemma.Model, pool *kernels.Pool, dir string, g golden, tol Tolerance, r *Report) ([][]float32, error) {
	shape, ok := g.shape["pixel_values"]
	if !ok {
		return nil, nil
	}
	vc := m.Config.Vision
	if vc == nil {
		return nil, fmt.Errorf("check: golden has images but the model has no vision tower")
	}
	if len(shape) != 4 || shape[1] != 3 || shape[2] != vc.ImageSize || shape[3] != vc.ImageSize {
		return nil, fmt.Errorf("check: golden pixel_values has shape %v, want [N 3 %d %d]", shape, vc.ImageSize, vc.ImageSize)
	}
	N, S := shape[0], vc.ImageSize
	pc := imageproc.Config{Size: S, Mean: vc.Mean, Std: vc.Std, RescaleFactor: vc.Rescale}
	vs, err := m.NewVisionState(pool)
	if err != nil {
		return nil, err
	}
	got := map[string][][]float32{}
	vs.Trace = func(name string, layer int, x []float32) { got[name] = append(got[name], slices.Clone(x)) }
	var resized, pixels []float32
	feats := make([][]float32, N)
	for k := range N {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := imageproc.Load(filepath.Join(dir, fmt.Sprintf("image%d.png", k)), imageproc.DefaultMaxPixels)
		if err != nil {
			return nil, err
		}
		small, err := imageproc.ResizeBilinear(img, S, S)
		if err != nil {
			return nil, err
		}
		for _, b := range small.Pix {
			resized = append(resized, float32(b))
		}
		px, err := imageproc.Preprocess(img, pc)
		if err != nil {
			return nil, err
		}
		pixels = append(pixels, px...)
		feats[k] = make([]float32, m.Config.MMTokensPerImage*m.Config.Hidden)
		if err := vs.Features(feats[k], px); err != nil {
			return nil, err
		}
	}
	all := func(int) bool { return true }
	// preprocessing does not depend on the weights: exact up to float32 rounding
	r.compareGolden(g, "image_resized_u8", resized, 3, all, Tolerance{Rel: 1.0 / 255})
	r.compareGolden(g, "pixel_values", pixels, S, all, Tolerance{Rel: 1e-6})
	C := vc.Hidden
	r.compareGolden(g, "vision_embeddings", slices.Concat(got["vision_embeddings"]...), C, all, tol)
	// vision_hidden_states is [layers+1][N][P][C]: [0] = embeddings, [i] = after layer i
	L := vc.Layers
	hs := slices.Clone(slices.Concat(got["vision_embeddings"]...))
	for l := range L {
		for k := range N {
			hs = append(hs, got["vision_hidden_states"][k*L+l]...)
		}
	}
	r.compareGolden(g, "vision_hidden_states", hs, C, all, tol)
	for _, name := range []string{"vision_last_hidden_state", "mm_pooled", "mm_normed"} {
		r.compareGolden(g, name, slices.Concat(got[name]...), C, all, tol)
	}
	r.compareGolden(g, "image_features", slices.Concat(feats...), m.Config.Hidden, all, tol)
	return feats, nil
}
