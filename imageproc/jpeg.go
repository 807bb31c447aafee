package imageproc

import (
	"bytes"
	"errors"
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
//
// Not exact either, but rarer: CMYK/YCCK JPEGs with subsampled channels
// (image/jpeg replicates samples) and YCCK colour conversion (Go's
// rounding). Not supported (Pillow reads them): arithmetic-coded,
// lossless and hierarchical JPEGs, and 4-channel JPEGs without an Adobe
// marker.
func decodeJPEG(data []byte, lim pixelLimit) (RGB, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return RGB{}, jpegError("corrupt JPEG header", data, err)
	}
	if err := lim.check("JPEG", cfg.Width, cfg.Height); err != nil {
		return RGB{}, err
	}
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return RGB{}, jpegError("truncated or corrupt JPEG", data, err)
	}
	if y, ok := m.(*image.YCbCr); ok {
		return jpegYCbCrToRGB(y), nil
	}
	return fromImage(m), nil
}

// jpegError words a decoder error, naming the coding process when the
// decoder refused it as unsupported.
func jpegError(what string, data []byte, err error) error {
	var u jpeg.UnsupportedError
	if !errors.As(err, &u) {
		return fmt.Errorf("%s: %v", what, err)
	}
	if kind := jpegProcess(data); kind != "" {
		return fmt.Errorf("unsupported JPEG: %s coding (%v)", kind, err)
	}
	return fmt.Errorf("unsupported JPEG: %v", err)
}

// jpegProcess names the coding process of the first SOF marker when it is
// one image/jpeg does not implement, else "".
func jpegProcess(d []byte) string {
	for i := 2; i+4 <= len(d); {
		if d[i] != 0xff {
			i++
			continue
		}
		m := d[i+1]
		switch {
		case m == 0xff || m == 0 || m == 0x01 || (m >= 0xd0 && m <= 0xd8):
			i += 2
			continue
		case m == 0xc3 || m == 0xc7 || m == 0xcb || m == 0xcf:
			return "lossless"
		case m == 0xc5 || m == 0xc6 || m == 0xcd || m == 0xce:
			return "hierarchical"
		case m == 0xc9 || m == 0xca:
			return "arithmetic"
		case m == 0xc0 || m == 0xc1 || m == 0xc2 || m == 0xda || m == 0xd9:
			return ""
		}
		i += 2 + (int(d[i+2])<<8 | int(d[i+3]))
	}
	return ""
}
