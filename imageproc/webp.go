package imageproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"

	"golang.org/x/image/webp"
)

// decodeWebP decodes a WebP with golang.org/x/image/webp. Lossless images
// come back as NRGBA and only lose their alpha. Lossy images come back as
// their Y'CbCr 4:2:0 planes, which are bit-exact (VP8 reconstruction is
// normative); Pillow gets its RGB from libwebp, which upsamples chroma with
// its "fancy" upsampler and converts with 14-bit fixed-point BT.601
// studio-range arithmetic (src/dsp/yuv.h), so both are redone here. Alpha
// is dropped, as Pillow's convert("RGB") drops it.
func decodeWebP(data []byte, lim pixelLimit) (RGB, error) {
	if len(data) >= 30 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0 {
		return decodeAnimatedWebP(data, lim)
	}
	cfg, err := webp.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("corrupt WebP header: %v", err)
	}
	if err := lim.check("WebP", cfg.Width, cfg.Height); err != nil {
		return RGB{}, err
	}
	return decodeWebPStill(data)
}

// decodeWebPStill decodes a still WebP whose size has been checked.
func decodeWebPStill(data []byte) (RGB, error) {
	m, err := webp.Decode(bytes.NewReader(data))
	if err != nil {
		return RGB{}, fmt.Errorf("truncated or corrupt WebP: %v", err)
	}
	switch m := m.(type) {
	case *image.YCbCr:
		return webpYUVToRGB(m), nil
	case *image.NYCbCrA:
		return webpYUVToRGB(&m.YCbCr), nil
	}
	return fromImage(m), nil
}

// decodeAnimatedWebP returns the first frame of an animated WebP as
// Pillow's WebPAnimDecoder produces it: a zero-filled canvas with the
// frame's decoded pixels at its offset (the first frame is a key frame:
// no blending). golang.org/x/image/webp does not read animations, so the
// first ANMF frame is rewrapped as a still WebP and decoded alone.
func decodeAnimatedWebP(data []byte, lim pixelLimit) (RGB, error) {
	u24 := func(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 }
	cw, ch := 1+u24(data[24:]), 1+u24(data[27:])
	if err := lim.check("WebP", cw, ch); err != nil {
		return RGB{}, err
	}
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || n > len(data)-i-8 {
			break
		}
		typ, body := string(data[i:i+4]), data[i+8:i+8+n]
		i += 8 + n + n&1
		if typ != "ANMF" {
			continue
		}
		if len(body) < 16 {
			return RGB{}, errors.New("corrupt animated WebP: short ANMF chunk")
		}
		x0, y0 := 2*u24(body), 2*u24(body[3:])
		fw, fh := 1+u24(body[6:]), 1+u24(body[9:])
		if x0+fw > cw || y0+fh > ch {
			return RGB{}, fmt.Errorf("corrupt animated WebP: frame %dx%d at %d,%d outside the %dx%d canvas", fw, fh, x0, y0, cw, ch)
		}
		frame, err := decodeWebPStill(stillWebP(body[16:], fw, fh))
		if err != nil {
			return RGB{}, err
		}
		if frame.W != fw || frame.H != fh {
			return RGB{}, fmt.Errorf("corrupt animated WebP: frame is %dx%d, header says %dx%d", frame.W, frame.H, fw, fh)
		}
		out := NewRGB(cw, ch)
		for y := 0; y < fh; y++ {
			copy(out.Pix[3*((y0+y)*cw+x0):], frame.Pix[3*y*fw:3*(y+1)*fw])
		}
		return out, nil
	}
	return RGB{}, errors.New("animated WebP has no frame")
}

// stillWebP wraps the frame chunks of an ANMF (optional ALPH, then VP8 or
// VP8L) in a RIFF container of their own; with ALPH it needs a VP8X
// header announcing alpha.
func stillWebP(chunks []byte, w, h int) []byte {
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WEBP"...)
	if len(chunks) >= 4 && string(chunks[:4]) == "ALPH" {
		b = append(b, "VP8X"...)
		b = binary.LittleEndian.AppendUint32(b, 10)
		b = append(b, 0x10, 0, 0, 0)
		b = append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	}
	b = append(b, chunks...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// libwebp's VP8YUVToR/G/B (yuv.h): MultHi(v, c) = (v*c) >> 8, then a 6-bit
// fixed-point result clipped to 0..255.
func multHi(v, c int) int { return (v * c) >> 8 }

func vp8Clip8(v int) uint8 {
	const mask = (256 << 6) - 1
	if v&^mask == 0 {
		return uint8(v >> 6)
	}
	if v < 0 {
		return 0
	}
	return 255
}

func vp8YUVToRGB(y, u, v int, dst []uint8) {
	yy := multHi(y, 19077)
	dst[0] = vp8Clip8(yy + multHi(v, 26149) - 14234)
	dst[1] = vp8Clip8(yy - multHi(u, 6419) - multHi(v, 13320) + 8708)
	dst[2] = vp8Clip8(yy + multHi(u, 33050) - 17685)
}

// webpYUVToRGB is libwebp's EmitFancyRGB: rows are produced in pairs
// (2k-1, 2k) from chroma rows k-1 and k; the first row, and the last row
// of an even-height image, use a single chroma row on both sides.
func webpYUVToRGB(m *image.YCbCr) RGB {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := NewRGB(w, h)
	cw := (w + 1) / 2
	yRow := func(y int) []uint8 { return m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:w] }
	uRow := func(cy int) []uint8 { return m.Cb[cy*m.CStride:][:cw] }
	vRow := func(cy int) []uint8 { return m.Cr[cy*m.CStride:][:cw] }
	oRow := func(y int) []uint8 { return out.Pix[3*y*w : 3*(y+1)*w] }
	upsampleLinePair(yRow(0), nil, uRow(0), vRow(0), uRow(0), vRow(0), oRow(0), nil)
	for y := 1; y+1 < h; y += 2 {
		k := (y + 1) / 2
		upsampleLinePair(yRow(y), yRow(y+1), uRow(k-1), vRow(k-1), uRow(k), vRow(k), oRow(y), oRow(y+1))
	}
	if h > 1 && h%2 == 0 {
		k := (h - 1) / 2
		upsampleLinePair(yRow(h-1), nil, uRow(k), vRow(k), uRow(k), vRow(k), oRow(h-1), nil)
	}
	return out
}

// upsampleLinePair is libwebp's UPSAMPLE_FUNC (dsp/upsampling.c) for RGB:
// chroma samples [a b; c d] (top row tu/tv, current row cu/cv) are
// interpolated with weights 9-3-3-1 (/16). The C code packs u and v in one
// uint32; each half is computed here separately, which gives the same bits.
func upsampleLinePair(topY, botY, tu, tv, cu, cv []uint8, topDst, botDst []uint8) {
	n := len(topY)
	last := (n - 1) >> 1
	type pair struct{ u, v int }
	at := func(u, v []uint8, x int) pair { return pair{int(u[x]), int(v[x])} }
	tl, l := at(tu, tv, 0), at(cu, cv, 0)
	edge := func(a, b pair) pair { return pair{(3*a.u + b.u + 2) >> 2, (3*a.v + b.v + 2) >> 2} }
	put := func(dst []uint8, ys []uint8, x int, p pair) { vp8YUVToRGB(int(ys[x]), p.u, p.v, dst[3*x:]) }
	put(topDst, topY, 0, edge(tl, l))
	if botY != nil {
		put(botDst, botY, 0, edge(l, tl))
	}
	for x := 1; x <= last; x++ {
		t, c := at(tu, tv, x), at(cu, cv, x)
		var d12, d03 pair
		for _, ch := range [2]struct {
			dst12, dst03 *int
			tl, t, l, c  int
		}{
			{&d12.u, &d03.u, tl.u, t.u, l.u, c.u},
			{&d12.v, &d03.v, tl.v, t.v, l.v, c.v},
		} {
			avg := ch.tl + ch.t + ch.l + ch.c + 8
			*ch.dst12 = (avg + 2*(ch.t+ch.l)) >> 3
			*ch.dst03 = (avg + 2*(ch.tl+ch.c)) >> 3
		}
		half := func(a, b pair) pair { return pair{(a.u + b.u) >> 1, (a.v + b.v) >> 1} }
		put(topDst, topY, 2*x-1, half(d12, tl))
		put(topDst, topY, 2*x, half(d03, t))
		if botY != nil {
			put(botDst, botY, 2*x-1, half(d03, l))
			put(botDst, botY, 2*x, half(d12, c))
		}
		tl, l = t, c
	}
	if n%2 == 0 {
		put(topDst, topY, n-1, edge(tl, l))
		if botY != nil {
			put(botDst, botY, n-1, edge(l, tl))
		}
	}
}
