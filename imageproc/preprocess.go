package imageproc

import "fmt"

// Config holds the Gemma 3 image-processor settings that matter for a
// non-pan-and-scan preprocess (preprocessor_config.json: size, image_mean,
// image_std, rescale_factor).
type Config struct {
	Size          int        // output height and width ("size": {"height", "width"})
	Mean, Std     [3]float32 // per channel; transformers casts the JSON values to float32
	RescaleFactor float64    // applied in float64, as numpy does, before the float32 cast
}

// DefaultConfig is Gemma3ImageProcessor's default at the given size:
// mean = std = 0.5 (IMAGENET_STANDARD_*), rescale_factor = 1/255.
func DefaultConfig(size int) Config {
	return Config{
		Size:          size,
		Mean:          [3]float32{0.5, 0.5, 0.5},
		Std:           [3]float32{0.5, 0.5, 0.5},
		RescaleFactor: 1.0 / 255,
	}
}

func (c Config) check() error {
	if c.Size <= 0 {
		return fmt.Errorf("imageproc: config size %d, want > 0", c.Size)
	}
	for i, s := range c.Std {
		if s == 0 {
			return fmt.Errorf("imageproc: config std[%d] is 0", i)
		}
	}
	return nil
}

// Preprocess resizes img to Size×Size (BILINEAR, aspect ratio not kept) and
// returns the normalised pixel values channels-first, [3][Size][Size],
// as Gemma3ImageProcessor (PIL backend, do_pan_and_scan off) computes them.
func Preprocess(img RGB, c Config) ([]float32, error) {
	dst := make([]float32, 3*c.Size*c.Size)
	if err := PreprocessInto(dst, img, c); err != nil {
		return nil, err
	}
	return dst, nil
}

// PreprocessInto is Preprocess writing into dst, which must hold
// 3*Size*Size values.
func PreprocessInto(dst []float32, img RGB, c Config) error {
	if err := c.check(); err != nil {
		return err
	}
	if len(dst) != 3*c.Size*c.Size {
		return fmt.Errorf("imageproc: preprocess output has %d values, want %d", len(dst), 3*c.Size*c.Size)
	}
	r, err := ResizeBilinear(img, c.Size, c.Size)
	if err != nil {
		return err
	}
	Normalize(dst, r, c)
	return nil
}

// Normalize writes (x*RescaleFactor - Mean)/Std for every sample of img into
// dst, channels-first. transformers rescales in float64 and casts to
// float32, then subtracts and divides in float32; doing the same here gives
// bit-identical values. dst must hold 3*W*H values.
func Normalize(dst []float32, img RGB, c Config) {
	// A table per channel: 256 inputs cover every possible sample.
	var lut [3][256]float32
	for ch := 0; ch < 3; ch++ {
		for v := 0; v < 256; v++ {
			x := float32(float64(v) * c.RescaleFactor)
			d := x - c.Mean[ch]
			lut[ch][v] = d / c.Std[ch]
		}
	}
	n := img.W * img.H
	r, g, b := dst[:n], dst[n:2*n], dst[2*n:3*n]
	for i := 0; i < n; i++ {
		p := img.Pix[3*i : 3*i+3]
		r[i] = lut[0][p[0]]
		g[i] = lut[1][p[1]]
		b[i] = lut[2][p[2]]
	}
}
