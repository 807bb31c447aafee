package imageproc

import (
	"compress/lzw"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// decodeGIF decodes the first frame of a GIF the way Pillow's
// GifImagePlugin does, rather than with image/gif, whose choices differ:
//   - the canvas is the logical screen, grown to hold the frame if the frame
//     sticks out (image/gif refuses such files);
//   - pixels outside the frame are index 0, or the frame's transparent index
//     when it has one;
//   - the transparent index keeps its palette colour (image/gif replaces it
//     with transparent black), since convert("RGB") ignores transparency;
//   - indices past the end of the palette are black (Pillow's palette is
//     zero-filled; image/gif refuses the file), and a frame without any
//     colour table is gray with value = index (Pillow mode "L");
//   - unknown block introducers are skipped, as Pillow does.
func decodeGIF(data []byte, lim pixelLimit) (RGB, error) {
	r := &gifReader{data: data}
	hdr := r.next(13)
	if hdr == nil {
		return RGB{}, errors.New("truncated GIF header")
	}
	w, h := int(binary.LittleEndian.Uint16(hdr[6:])), int(binary.LittleEndian.Uint16(hdr[8:]))
	if err := lim.check("GIF", w, h); err != nil && w > 0 && h > 0 {
		return RGB{}, err
	}
	var global []byte
	if flags := hdr[10]; flags&0x80 != 0 {
		if global = r.next(3 << (flags&7 + 1)); global == nil {
			return RGB{}, errors.New("truncated GIF global colour table")
		}
	}
	transparent := -1
	for {
		b := r.next(1)
		if b == nil || b[0] == ';' {
			return RGB{}, errors.New("GIF has no image frame")
		}
		switch b[0] {
		case '!': // extension: label, then data sub-blocks
			label := r.next(1)
			if label == nil {
				return RGB{}, errors.New("truncated GIF extension")
			}
			first, err := r.subBlock()
			if err != nil {
				return RGB{}, err
			}
			if label[0] == 0xf9 && first != nil {
				if len(first) < 4 {
					return RGB{}, errors.New("corrupt GIF graphic control extension")
				}
				if first[0]&1 != 0 {
					transparent = int(first[3])
				}
			}
			for first != nil {
				if first, err = r.subBlock(); err != nil {
					return RGB{}, err
				}
			}
		case ',':
			return r.frame(w, h, global, transparent, lim)
		}
	}
}

type gifReader struct {
	data []byte
	off  int
}

// next returns the next n bytes, or nil if the file ends first.
func (r *gifReader) next(n int) []byte {
	if n > len(r.data)-r.off {
		r.off = len(r.data)
		return nil
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b
}

// subBlock returns the next data sub-block, nil for the terminator.
func (r *gifReader) subBlock() ([]byte, error) {
	n := r.next(1)
	if n == nil {
		return nil, errors.New("truncated GIF data block")
	}
	if n[0] == 0 {
		return nil, nil
	}
	b := r.next(int(n[0]))
	if b == nil {
		return nil, errors.New("truncated GIF data block")
	}
	return b, nil
}

// gifData reads the chained data sub-blocks of a frame as one stream.
type gifData struct {
	data []byte
	off  int // next byte to return
	rem  int // bytes left in the current sub-block
}

func (g *gifData) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if g.rem == 0 {
		if g.off >= len(g.data) {
			return 0, io.ErrUnexpectedEOF
		}
		g.rem = int(g.data[g.off])
		g.off++
		if g.rem == 0 {
			return 0, io.EOF
		}
		if g.off+g.rem > len(g.data) {
			return 0, io.ErrUnexpectedEOF
		}
	}
	k := copy(p, g.data[g.off:g.off+g.rem])
	g.off += k
	g.rem -= k
	return k, nil
}

// frame decodes the image descriptor after ',' and the pixels it describes.
func (r *gifReader) frame(sw, sh int, global []byte, transparent int, lim pixelLimit) (RGB, error) {
	d := r.next(9)
	if d == nil {
		return RGB{}, errors.New("truncated GIF image descriptor")
	}
	x0, y0 := int(binary.LittleEndian.Uint16(d[0:])), int(binary.LittleEndian.Uint16(d[2:]))
	fw, fh := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
	w, h := max(sw, x0+fw), max(sh, y0+fh)
	if err := lim.check("GIF", w, h); err != nil {
		return RGB{}, err
	}
	pal := global
	if d[8]&0x80 != 0 {
		if pal = r.next(3 << (d[8]&7 + 1)); pal == nil {
			return RGB{}, errors.New("truncated GIF local colour table")
		}
	}
	interlaced := d[8]&0x40 != 0
	lw := r.next(1)
	if lw == nil {
		return RGB{}, errors.New("truncated GIF image data")
	}
	fill := byte(0)
	if transparent >= 0 {
		fill = byte(transparent)
	}
	idx := make([]byte, w*h)
	for i := range idx {
		idx[i] = fill
	}
	if fw > 0 && fh > 0 {
		if lw[0] < 2 || lw[0] > 8 {
			return RGB{}, fmt.Errorf("corrupt GIF: LZW code size %d", lw[0])
		}
		pix := make([]byte, fw*fh)
		lz := lzw.NewReader(&gifData{data: r.data[r.off:]}, lzw.LSB, int(lw[0]))
		_, err := io.ReadFull(lz, pix)
		lz.Close()
		if err != nil {
			return RGB{}, fmt.Errorf("truncated or corrupt GIF image data: %v", err)
		}
		for i, fy := range gifRows(fh, interlaced) {
			copy(idx[(y0+fy)*w+x0:], pix[i*fw:(i+1)*fw])
		}
	}
	return gifToRGB(idx, w, h, pal), nil
}

// gifRows lists, for each stored row, its row in the frame.
func gifRows(h int, interlaced bool) []int {
	rows := make([]int, 0, h)
	if !interlaced {
		for y := 0; y < h; y++ {
			rows = append(rows, y)
		}
		return rows
	}
	for _, p := range [4][2]int{{0, 8}, {4, 8}, {2, 4}, {1, 2}} {
		for y := p[0]; y < h; y += p[1] {
			rows = append(rows, y)
		}
	}
	return rows
}

// gifToRGB maps indices through the palette. Pillow treats a missing
// palette, or one that is the identity gray ramp, as mode "L": the index is
// the gray level.
func gifToRGB(idx []byte, w, h int, pal []byte) RGB {
	gray := true
	for i := 0; i+2 < len(pal); i += 3 {
		if pal[i] != byte(i/3) || pal[i+1] != byte(i/3) || pal[i+2] != byte(i/3) {
			gray = false
			break
		}
	}
	var lut [256][3]byte
	for i := range lut {
		switch {
		case gray:
			lut[i] = [3]byte{byte(i), byte(i), byte(i)}
		case 3*i+2 < len(pal):
			lut[i] = [3]byte{pal[3*i], pal[3*i+1], pal[3*i+2]}
		}
	}
	out := NewRGB(w, h)
	for i, v := range idx {
		p := lut[v]
		out.Pix[3*i], out.Pix[3*i+1], out.Pix[3*i+2] = p[0], p[1], p[2]
	}
	return out
}
