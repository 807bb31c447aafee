package imageproc

import (
	"image"
	"image/color"
)

// fromImage converts a decoded Go image to RGB the way Pillow's
// convert("RGB") treats the same pixels: alpha is dropped, not composited
// (rgba2rgb, la2rgb), gray is replicated (l2rgb), palettes are looked up,
// 16-bit colour keeps the high byte (Pillow unpacks 16-bit PNG colour with
// the "RGB;16B" / "RGBA;16B" / "LA;16B" raw modes, which take the high byte),
// and 16-bit gray is clipped to 255 (Pillow keeps it as mode "I;16" and
// I16_RGB clips). CMYK uses Pillow's cmyk2rgb.
func fromImage(m image.Image) RGB {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := NewRGB(w, h)
	o := out.Pix
	switch m := m.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			for x, v := range row {
				i := 3 * (y*w + x)
				o[i], o[i+1], o[i+2] = v, v, v
			}
		}
	case *image.Gray16:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:2*w]
			for x := 0; x < w; x++ {
				v := clip16(uint16(row[2*x])<<8 | uint16(row[2*x+1]))
				i := 3 * (y*w + x)
				o[i], o[i+1], o[i+2] = v, v, v
			}
		}
	case *image.RGBA: // Go's decoders return RGBA only for opaque pixels
		copy4to3(o, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), w, h, 1)
	case *image.NRGBA:
		copy4to3(o, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), w, h, 1)
	case *image.RGBA64:
		copy4to3(o, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), w, h, 2)
	case *image.NRGBA64:
		copy4to3(o, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), w, h, 2)
	case *image.Paletted:
		var pal [256][3]uint8 // entries past the palette stay black, as in Pillow
		for i, c := range m.Palette {
			if i < 256 {
				pal[i] = paletteRGB(c)
			}
		}
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			for x, v := range row {
				i := 3 * (y*w + x)
				p := pal[v]
				o[i], o[i+1], o[i+2] = p[0], p[1], p[2]
			}
		}
	case *image.CMYK:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
			for x := 0; x < w; x++ {
				i := 3 * (y*w + x)
				o[i], o[i+1], o[i+2] = cmykToRGB(row[4*x], row[4*x+1], row[4*x+2], row[4*x+3])
			}
		}
	default:
		// Not produced by the decoders used here; a best effort for callers
		// of FromImage: non-premultiplied colour, high byte.
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.NRGBA64Model.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
				i := 3 * (y*w + x)
				o[i], o[i+1], o[i+2] = uint8(c.R>>8), uint8(c.G>>8), uint8(c.B>>8)
			}
		}
	}
	return out
}

// FromImage converts any Go image to RGB with the rules of fromImage
// (alpha dropped, not composited).
func FromImage(m image.Image) RGB { return fromImage(m) }

// copy4to3 copies the first three of four channels of size bytes each
// (1: 8-bit, 2: 16-bit big-endian, keeping the high byte).
func copy4to3(o, pix []uint8, stride, off, w, h, size int) {
	for y := 0; y < h; y++ {
		row := pix[off+y*stride:][:4*size*w]
		for x := 0; x < w; x++ {
			i, j := 3*(y*w+x), 4*size*x
			o[i], o[i+1], o[i+2] = row[j], row[j+size], row[j+2*size]
		}
	}
}

// clip16 is Pillow's I16_RGB: values above 255 become 255.
func clip16(v uint16) uint8 {
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// paletteRGB returns the colour of a palette entry without its alpha.
// Go's PNG decoder stores transparent entries as color.NRGBA, so the
// colour is the file's colour.
func paletteRGB(c color.Color) [3]uint8 {
	switch c := c.(type) {
	case color.NRGBA:
		return [3]uint8{c.R, c.G, c.B}
	case color.RGBA:
		if c.A == 255 {
			return [3]uint8{c.R, c.G, c.B}
		}
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return [3]uint8{n.R, n.G, n.B}
}

// cmykToRGB is Pillow's cmyk2rgb: nk = 255-k; v = nk - nk*c/255 (MULDIV255).
func cmykToRGB(c, m, y, k uint8) (uint8, uint8, uint8) {
	nk := 255 - int(k)
	f := func(v uint8) uint8 {
		t := int(v)*nk + 128
		return uint8(nk - ((t>>8)+t)>>8)
	}
	return f(c), f(m), f(y)
}
