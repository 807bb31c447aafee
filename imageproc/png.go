package imageproc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
)

// decodePNG decodes a PNG with image/png and converts it like Pillow.
// Pillow's modes per (bit depth, colour type) are in PngImagePlugin._MODES;
// Go's decoder yields the same sample values, except that a 16-bit gray
// image with a tRNS chunk comes back as NRGBA64, where Pillow keeps "I;16"
// and clips on convert("RGB"), so that case is handled here.
func decodePNG(data []byte, lim pixelLimit) (RGB, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("corrupt PNG header: %v", err)
	}
	if err := lim.check("PNG", cfg.Width, cfg.Height); err != nil {
		return RGB{}, err
	}
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("truncated or corrupt PNG: %v", err)
	}
	// DecodeConfig succeeded, so the IHDR chunk is at its fixed place.
	depth, colorType := data[24], data[25]
	if n, ok := m.(*image.NRGBA64); ok && colorType == 0 && depth == 16 {
		out := NewRGB(cfg.Width, cfg.Height)
		for i := 0; i < cfg.Width*cfg.Height; i++ {
			v := clip16(binary.BigEndian.Uint16(n.Pix[8*i:]))
			out.Pix[3*i], out.Pix[3*i+1], out.Pix[3*i+2] = v, v, v
		}
		return out, nil
	}
	return fromImage(m), nil
}
