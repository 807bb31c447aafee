package imageproc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"io"
	"regexp"
	"strings"
)

// orientation returns the EXIF orientation (1..8) that Pillow's
// ImageOps.exif_transpose would act on, or 1. Like Image.getexif it reads
// the Exif block (JPEG APP1 "Exif" segments, concatenated; PNG eXIf or a
// "Raw profile type exif" text chunk; WebP EXIF chunk) and, when that has
// no Orientation tag, falls back to tiff:Orientation in the XMP packet.
// Malformed metadata counts as no orientation.
func orientation(f Format, data []byte) int {
	var exif, xmp []byte
	switch f {
	case FormatJPEG:
		exif, xmp = jpegMeta(data)
	case FormatPNG:
		exif, xmp = pngMeta(data)
	case FormatWebP:
		exif, xmp = webpMeta(data)
	}
	if o, ok := exifOrientation(exif); ok {
		if o >= 2 && o <= 8 {
			return o
		}
		return 1
	}
	if m := xmpOrientation.FindSubmatch(xmp); m != nil && m[2][0] >= '2' && m[2][0] <= '8' {
		return int(m[2][0] - '0')
	}
	return 1
}

var xmpOrientation = regexp.MustCompile(`tiff:Orientation(="|>)([0-9])`)

// exifOrientation reads tag 0x0112 of IFD0 of a TIFF-structured Exif block.
func exifOrientation(b []byte) (int, bool) {
	// Pillow strips one or two "Exif\0\0" prefixes (a PNG eXIf chunk
	// written by Pillow carries one of its own).
	for i := 0; i < 2; i++ {
		b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	}
	if len(b) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	off := int(bo.Uint32(b[4:]))
	if off < 8 || off+2 > len(b) {
		return 0, false
	}
	n := int(bo.Uint16(b[off:]))
	for i := 0; i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > len(b) {
			return 0, false
		}
		if bo.Uint16(b[e:]) != 0x0112 || bo.Uint32(b[e+4:]) != 1 {
			continue
		}
		switch bo.Uint16(b[e+2:]) {
		case 1: // BYTE
			return int(b[e+8]), true
		case 3: // SHORT
			return int(bo.Uint16(b[e+8:])), true
		case 4: // LONG
			return int(bo.Uint32(b[e+8:])), true
		}
	}
	return 0, false
}

// jpegMeta collects Exif and XMP APP1 segments up to the first scan.
func jpegMeta(d []byte) (exif, xmp []byte) {
	const xmpID = "http://ns.adobe.com/xap/1.0/\x00"
	for i := 2; i+4 <= len(d); {
		if d[i] != 0xff {
			i++
			continue
		}
		m := d[i+1]
		switch {
		case m == 0xff || m == 0x00:
			i++
			continue
		case m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7):
			i += 2
			continue
		case m == 0xda || m == 0xd9:
			return exif, xmp
		}
		n := int(binary.BigEndian.Uint16(d[i+2:]))
		if n < 2 || i+2+n > len(d) {
			return exif, xmp
		}
		s := d[i+4 : i+2+n]
		if m == 0xe1 {
			switch {
			case bytes.HasPrefix(s, []byte("Exif\x00\x00")):
				if exif == nil {
					exif = append([]byte(nil), s...)
				} else {
					exif = append(exif, s[6:]...)
				}
			case bytes.HasPrefix(s, []byte(xmpID)) && xmp == nil:
				xmp = s[len(xmpID):]
			}
		}
		i += 2 + n
	}
	return exif, xmp
}

// pngMeta reads eXIf, "Raw profile type exif" text and the XMP iTXt chunk.
func pngMeta(d []byte) (exif, xmp []byte) {
	var raw []byte
	for i := 8; i+12 <= len(d); {
		n := int(binary.BigEndian.Uint32(d[i:]))
		if n < 0 || i+12+n > len(d) {
			break
		}
		typ, body := string(d[i+4:i+8]), d[i+8:i+8+n]
		i += 12 + n
		key, rest, _ := bytes.Cut(body, []byte{0})
		switch {
		case typ == "eXIf" && exif == nil:
			exif = append([]byte("Exif\x00\x00"), body...)
		case typ == "tEXt" && string(key) == "Raw profile type exif":
			raw = rest
		case typ == "zTXt" && string(key) == "Raw profile type exif" && len(rest) > 0:
			raw = inflate(rest[1:])
		case typ == "iTXt" && string(key) == "XML:com.adobe.xmp" && len(rest) >= 2:
			compressed := rest[0] == 1
			// language tag and translated keyword, each NUL-terminated
			_, t, _ := bytes.Cut(rest[2:], []byte{0})
			_, t, _ = bytes.Cut(t, []byte{0})
			if compressed {
				t = inflate(t)
			}
			xmp = t
		}
	}
	if exif == nil && raw != nil {
		// "\nexif\n<length>\n<hex lines>": Pillow drops three lines and
		// decodes the rest as hex.
		lines := strings.Split(string(raw), "\n")
		if len(lines) > 3 {
			exif, _ = hex.DecodeString(strings.Join(lines[3:], ""))
		}
	}
	return exif, xmp
}

// inflate decompresses a zlib stream, bounded to 16 MiB; nil on error.
func inflate(b []byte) []byte {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(io.LimitReader(zr, 16<<20))
	if err != nil {
		return nil
	}
	return out
}

// webpMeta reads the EXIF and "XMP " chunks of a RIFF WebP file.
func webpMeta(d []byte) (exif, xmp []byte) {
	for i := 12; i+8 <= len(d); {
		n := int(binary.LittleEndian.Uint32(d[i+4:]))
		if n < 0 || i+8+n > len(d) {
			break
		}
		switch string(d[i : i+4]) {
		case "EXIF":
			exif = d[i+8 : i+8+n]
		case "XMP ":
			xmp = d[i+8 : i+8+n]
		}
		i += 8 + n + n&1
	}
	return exif, xmp
}

// transpose applies the EXIF orientation o (2..8) the way exif_transpose
// does: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise
// (Pillow's ROTATE_270), 7 transverse, 8 rotate 90 counter-clockwise.
func transpose(m RGB, o int) RGB {
	w, h := m.W, m.H
	if o >= 5 {
		w, h = h, w
	}
	out := NewRGB(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = m.W-1-x, y
			case 3:
				sx, sy = m.W-1-x, m.H-1-y
			case 4:
				sx, sy = x, m.H-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, m.H-1-x
			case 7:
				sx, sy = m.W-1-y, m.H-1-x
			case 8:
				sx, sy = m.W-1-y, x
			default:
				sx, sy = x, y
			}
			copy(out.Pix[3*(y*w+x):3*(y*w+x)+3], m.Pix[3*(sy*m.W+sx):])
		}
	}
	return out
}
