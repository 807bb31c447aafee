package imageproc

import "image"

// libjpeg-turbo's YCbCr->RGB tables (jdcolor.c build_ycc_rgb_table), with
// SCALEBITS = 16 and FIX(x) = int(x*65536 + 0.5). Go's color.YCbCrToRGB
// rounds differently (it folds y*257 into the rounding term), so it is not
// used.
var yccTab struct {
	crR, cbB, crG, cbG [256]int32
}

func init() {
	fix := func(x float64) int32 { return int32(x*65536 + 0.5) }
	for i := 0; i < 256; i++ {
		x := int32(i - 128)
		yccTab.crR[i] = (fix(1.40200)*x + 1<<15) >> 16
		yccTab.cbB[i] = (fix(1.77200)*x + 1<<15) >> 16
		yccTab.crG[i] = -fix(0.71414) * x
		yccTab.cbG[i] = -fix(0.34414)*x + 1<<15
	}
}

func clampU8(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// jpegYCbCrToRGB upsamples the chroma planes and converts to RGB as
// libjpeg-turbo does with its defaults (do_fancy_upsampling = TRUE):
// jdsample.c's h2v1/h2v2/h1v2 fancy upsamplers, where edge rows and columns
// are replicated (jdmainct.c supplies the first and last chroma rows as
// context above and below); other ratios are plain replication
// (int_upsample), which is also what Go's YCbCr addressing does.
func jpegYCbCrToRGB(m *image.YCbCr) RGB {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := NewRGB(w, h)
	cb := make([]uint8, w+1) // +1: the upsamplers write whole pairs
	cr := make([]uint8, w+1)
	cw, ch := chromaSize(m.SubsampleRatio, w, h)
	plane := func(p []uint8, cy int) []uint8 { return p[cy*m.CStride:][:cw] }
	for y := 0; y < h; y++ {
		switch {
		case m.SubsampleRatio == image.YCbCrSubsampleRatio422 && cw > 2:
			upH2V1(cb, plane(m.Cb, y))
			upH2V1(cr, plane(m.Cr, y))
		case m.SubsampleRatio == image.YCbCrSubsampleRatio420 && cw > 2:
			near, far := y/2, vertFar(y, ch)
			upH2V2(cb, plane(m.Cb, near), plane(m.Cb, far))
			upH2V2(cr, plane(m.Cr, near), plane(m.Cr, far))
		case m.SubsampleRatio == image.YCbCrSubsampleRatio440:
			near, far := y/2, vertFar(y, ch)
			upH1V2(cb, plane(m.Cb, near), plane(m.Cb, far), 1+y%2)
			upH1V2(cr, plane(m.Cr, near), plane(m.Cr, far), 1+y%2)
		default:
			for x := 0; x < w; x++ {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				cb[x], cr[x] = m.Cb[ci], m.Cr[ci]
			}
		}
		yrow := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:w]
		o := out.Pix[3*y*w : 3*(y+1)*w]
		for x, yv := range yrow {
			Y := int32(yv)
			o[3*x] = clampU8(Y + yccTab.crR[cr[x]])
			o[3*x+1] = clampU8(Y + (yccTab.cbG[cb[x]]+yccTab.crG[cr[x]])>>16)
			o[3*x+2] = clampU8(Y + yccTab.cbB[cb[x]])
		}
	}
	return out
}

// chromaSize is libjpeg's downsampled_width/height: ceil(size*samp/max).
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// vertFar is the next-nearest chroma row for output row y with vertical
// 2x subsampling: the row above for even y, below for odd y, replicated
// at the edges.
func vertFar(y, ch int) int {
	if y%2 == 0 {
		return max(y/2-1, 0)
	}
	return min(y/2+1, ch-1)
}

// upH2V1 is jdsample.c h2v1_fancy_upsample for one row (len(in) > 2).
func upH2V1(out, in []uint8) {
	n := len(in)
	out[0] = in[0]
	out[1] = uint8((int(in[0])*3 + int(in[1]) + 2) >> 2)
	for i := 1; i < n-1; i++ {
		v := int(in[i]) * 3
		out[2*i] = uint8((v + int(in[i-1]) + 1) >> 2)
		out[2*i+1] = uint8((v + int(in[i+1]) + 2) >> 2)
	}
	v := int(in[n-1])
	out[2*n-2] = uint8((v*3 + int(in[n-2]) + 1) >> 2)
	if 2*n-1 < len(out) {
		out[2*n-1] = uint8(v)
	}
}

// upH2V2 is jdsample.c h2v2_fancy_upsample for one output row, given the
// nearest and next-nearest chroma rows (len > 2).
func upH2V2(out, near, far []uint8) {
	n := len(near)
	cs := func(i int) int { return int(near[i])*3 + int(far[i]) }
	this, next := cs(0), cs(1)
	out[0] = uint8((this*4 + 8) >> 4)
	out[1] = uint8((this*3 + next + 7) >> 4)
	last := this
	this = next
	for i := 1; i < n-1; i++ {
		next = cs(i + 1)
		out[2*i] = uint8((this*3 + last + 8) >> 4)
		out[2*i+1] = uint8((this*3 + next + 7) >> 4)
		last, this = this, next
	}
	out[2*n-2] = uint8((this*3 + last + 8) >> 4)
	if 2*n-1 < len(out) {
		out[2*n-1] = uint8((this*4 + 7) >> 4)
	}
}

// upH1V2 is jdsample.c h1v2_fancy_upsample for one output row; bias is 1
// when far is the row above and 2 when it is the row below.
func upH1V2(out, near, far []uint8, bias int) {
	for i := range near {
		out[i] = uint8((int(near[i])*3 + int(far[i]) + bias) >> 2)
	}
}
