package imageproc

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// DefaultMaxPixels is the pixel limit used when a caller passes 0: Pillow's
// Image.MAX_IMAGE_PIXELS, int(1024*1024*1024 // 4 // 3). Pillow warns above
// it and refuses above twice it; we refuse above it, which also bounds the
// memory a decode can take (a 4-byte-per-pixel decode of this size is about
// 360 MB).
const DefaultMaxPixels = 89478485

// Format is an image file format recognised by its leading bytes.
type Format int

// The supported formats.
const (
	FormatUnknown Format = iota
	FormatPNG
	FormatJPEG
	FormatGIF
	FormatWebP
)

func (f Format) String() string {
	switch f {
	case FormatPNG:
		return "PNG"
	case FormatJPEG:
		return "JPEG"
	case FormatGIF:
		return "GIF"
	case FormatWebP:
		return "WebP"
	}
	return "unknown"
}

// Sniff names the format of a file from its first bytes, using the same
// signatures as Pillow's _accept functions.
func Sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return FormatJPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatGIF
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return FormatWebP
	}
	return FormatUnknown
}

// Load reads and decodes the image file at path; see Decode.
func Load(path string, maxPixels int) (RGB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return RGB{}, fmt.Errorf("imageproc: %w", err)
	}
	return DecodeBytes(data, path, maxPixels)
}

// Decode reads a whole PNG, JPEG, GIF (first frame) or WebP file from r and
// returns it as RGB the way transformers' load_image does:
// PIL.Image.open, ImageOps.exif_transpose, convert("RGB"). name is used only
// in error messages. Images with more than maxPixels pixels are refused from
// their header, before decoding; maxPixels 0 means DefaultMaxPixels and a
// negative value means no limit.
func Decode(r io.Reader, name string, maxPixels int) (RGB, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return RGB{}, fmt.Errorf("imageproc: %s: read: %w", name, err)
	}
	return DecodeBytes(data, name, maxPixels)
}

// DecodeBytes is Decode for a file already in memory.
func DecodeBytes(data []byte, name string, maxPixels int) (RGB, error) {
	if len(data) == 0 {
		return RGB{}, fmt.Errorf("imageproc: %s: empty file", name)
	}
	lim := pixelLimit{max: maxPixels}
	if maxPixels == 0 {
		lim.max = DefaultMaxPixels
	}
	var (
		img RGB
		err error
	)
	f := Sniff(data)
	switch f {
	case FormatPNG:
		img, err = decodePNG(data, lim)
	case FormatJPEG:
		img, err = decodeJPEG(data, lim)
	case FormatGIF:
		img, err = decodeGIF(data, lim)
	case FormatWebP:
		img, err = decodeWebP(data, lim)
	default:
		n := min(len(data), 8)
		return RGB{}, fmt.Errorf("imageproc: %s: unknown image format (starts with % x; want PNG, JPEG, GIF or WebP)", name, data[:n])
	}
	if err != nil {
		return RGB{}, fmt.Errorf("imageproc: %s: %w", name, err)
	}
	if o := orientation(f, data); o != 1 {
		img = transpose(img, o)
	}
	return img, nil
}

// pixelLimit checks header sizes against the caller's limit.
type pixelLimit struct {
	max int // < 0: no limit
}

// check refuses empty images and images over the limit. It runs on header
// values, before any pixel memory is allocated.
func (l pixelLimit) check(format string, w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%s: image size %dx%d is empty", format, w, h)
	}
	if l.max >= 0 && int64(w)*int64(h) > int64(l.max) {
		return fmt.Errorf("%s: image size %dx%d is %d pixels, over the limit of %d (possible decompression bomb)",
			format, w, h, int64(w)*int64(h), l.max)
	}
	return nil
}
