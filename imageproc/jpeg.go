package imageproc

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
)

// decodeJPEG decodes a JPEG with image/jpeg. For YCbCr images the chroma
// upsampling and the colour conversion are redone here the way
// libjpeg-turbo (Pillow's decoder) does them: "fancy" triangle upsampling
// for 4:2:2, 4:2:0 and 4:4:0, and jdcolor.c's fixed-point tables. The IDCT
// is Go's, which differs from libjpeg-turbo's jidctint by a level or so on
// some samples; that is the remaining difference from Pillow.
func decodeJPEG(data []byte, lim pixelLimit) (RGB, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("corrupt JPEG header: %v", err)
	}
	if err := lim.check("JPEG", cfg.Width, cfg.Height); err != nil {
		return RGB{}, err
	}
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("truncated or corrupt JPEG: %v", err)
	}
	if y, ok := m.(*image.YCbCr); ok {
		return jpegYCbCrToRGB(y), nil
	}
	return fromImage(m), nil
}
