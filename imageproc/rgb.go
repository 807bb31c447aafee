package imageproc

import "fmt"

// RGB is an 8-bit RGB image: H rows of W pixels, 3 bytes per pixel (R, G, B),
// no padding between rows. It is the layout of numpy.array(pil_image) for a
// mode "RGB" image.
type RGB struct {
	W, H int
	Pix  []uint8 // len 3*W*H
}

// NewRGB returns a black w×h image.
func NewRGB(w, h int) RGB {
	return RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
}

// At returns the pixel at column x, row y.
func (m RGB) At(x, y int) (r, g, b uint8) {
	i := 3 * (y*m.W + x)
	return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
}

// check reports whether the image's fields agree with each other.
func (m RGB) check() error {
	if m.W <= 0 || m.H <= 0 {
		return fmt.Errorf("imageproc: empty image %dx%d", m.W, m.H)
	}
	if len(m.Pix) != 3*m.W*m.H {
		return fmt.Errorf("imageproc: image %dx%d has %d bytes, want %d", m.W, m.H, len(m.Pix), 3*m.W*m.H)
	}
	return nil
}
