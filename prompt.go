package t5go

import (
	"fmt"
	"os"
	"strings"

	"github.com/t5go/t5go/imageproc"
)

// ImagePlaceholder marks where an image goes in a prompt, as in Gemma 3 and
// T5Gemma 2 prompts ("<start_of_image> in this image, there is").
const ImagePlaceholder = "<start_of_image>"

// Image is one image input: a file, or encoded bytes (PNG, JPEG, GIF, WebP).
type Image struct {
	Path string // read from this file when Data is nil
	Data []byte
	Name string // for error messages (default: Path, or "image N")
}

// MaxImagePixels bounds the decoded size of an image (a decompression bomb
// is refused from its header).
var MaxImagePixels = imageproc.DefaultMaxPixels

// encoderIDs tokenizes a prompt the way Gemma3Processor does: BOS, then the
// text with each image placeholder expanded to
// "\n\n" <start_of_image> image-token×N <end_of_image> "\n\n". Special
// tokens split the text, so each text segment is tokenized on its own; the
// image ids come from the model's config.
func (m *Model) encoderIDs(prompt string, images int) ([]int32, error) {
	if err := m.needTokenizer(); err != nil {
		return nil, err
	}
	c := m.m.Config
	parts := strings.Split(prompt, ImagePlaceholder)
	if n := len(parts) - 1; n != images {
		return nil, invalid("t5go: the prompt has %d image placeholders (%s) for %d images", n, ImagePlaceholder, images)
	}
	if images > 0 && c.Vision == nil {
		return nil, invalid("t5go: this model has no vision tower")
	}
	ids := []int32{c.BOS}
	for i, p := range parts {
		if i > 0 {
			p = "\n\n" + p
		}
		if i < len(parts)-1 {
			p += "\n\n"
		}
		ids = append(ids, m.tok.Encode(p, false)...)
		if i < len(parts)-1 {
			ids = append(ids, c.BOI)
			for range c.MMTokensPerImage {
				ids = append(ids, c.ImageToken)
			}
			ids = append(ids, c.EOI)
		}
	}
	return ids, nil
}

// imageFeatures decodes, preprocesses and encodes images into soft tokens.
func (m *Model) imageFeatures(images []Image) ([][]float32, error) {
	if len(images) == 0 {
		return nil, nil
	}
	c := m.m.Config
	vs, err := m.m.NewVisionState(m.pool)
	if err != nil {
		return nil, err
	}
	pc := imageproc.Config{Size: c.Vision.ImageSize, Mean: c.Vision.Mean, Std: c.Vision.Std, RescaleFactor: c.Vision.Rescale}
	out := make([][]float32, len(images))
	for i, im := range images {
		name := im.Name
		if name == "" {
			name = im.Path
		}
		if name == "" {
			name = fmt.Sprintf("image %d", i+1)
		}
		data := im.Data
		if data == nil {
			if im.Path == "" {
				return nil, invalid("t5go: %s: neither a path nor data", name)
			}
			if data, err = os.ReadFile(im.Path); err != nil {
				return nil, invalid("%w", err)
			}
		}
		img, err := imageproc.DecodeBytes(data, name, MaxImagePixels)
		if err != nil {
			return nil, invalid("%w", err)
		}
		px, err := imageproc.Preprocess(img, pc)
		if err != nil {
			return nil, invalid("%s: %w", name, err)
		}
		out[i] = make([]float32, c.MMTokensPerImage*c.Hidden)
		if err := vs.Features(out[i], px); err != nil {
			return nil, err
		}
	}
	return out, nil
}
