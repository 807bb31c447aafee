package imageproc

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"testing"
)

// golden.json is written by testdata/gen_golden.py (Pillow + transformers).
type goldenFile struct {
	Pillow string       `json:"pillow"`
	Cases  []goldenCase `json:"cases"`
	Resize [][5]any     `json:"resize"`
	Imnet  struct {
		File  string     `json:"file"`
		Size  int        `json:"size"`
		Mean  [3]float64 `json:"mean"`
		Std   [3]float64 `json:"std"`
		PVSha string     `json:"pixel_values_sha256"`
	} `json:"imagenet"`
}

type goldenCase struct {
	Name      string            `json:"name"`
	File      string            `json:"file"`
	W         int               `json:"w"`
	H         int               `json:"h"`
	RGBSha    string            `json:"rgb_sha256"`
	RGBGz     string            `json:"rgb_gz"`
	ResizeSha map[string]string `json:"resized_sha256"`
	PVSha     map[string]string `json:"pixel_values_sha256"`
}

func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	var g goldenFile
	if err := json.Unmarshal(readFile(t, "golden.json"), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func f32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// jpegMaxDiff is the largest per-sample difference allowed between our
// JPEG decode and Pillow's: Go's IDCT is not libjpeg-turbo's jidctint.
// Measured on the golden JPEGs: see TestGoldenDecode's log.
const jpegMaxDiff = 3

// TestGoldenDecode decodes every golden image and compares with Pillow's
// load_image pixels (exactly, except JPEG), then checks resize and
// pixel_values at every size bit for bit (for JPEG starting from Pillow's
// decoded pixels, so the resize is still checked exactly).
func TestGoldenDecode(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			img, err := Load(filepath.Join("testdata", "golden", c.File), 0)
			if err != nil {
				t.Fatal(err)
			}
			if img.W != c.W || img.H != c.H {
				t.Fatalf("size %dx%d, want %dx%d", img.W, img.H, c.W, c.H)
			}
			if c.RGBGz != "" {
				ref := RGB{W: c.W, H: c.H, Pix: gunzip(t, filepath.Join("golden", c.RGBGz))}
				d, n := diffStats(img.Pix, ref.Pix)
				t.Logf("JPEG vs Pillow: max diff %d, %d of %d samples differ", d, n, len(ref.Pix))
				if d > jpegMaxDiff {
					t.Errorf("JPEG differs from Pillow by %d > %d", d, jpegMaxDiff)
				}
				img = ref
			} else if got := sha(img.Pix); got != c.RGBSha {
				t.Fatalf("decoded pixels differ from Pillow's convert(\"RGB\")")
			}
			for _, s := range []int{17, 32, 56} {
				key := strconv.Itoa(s)
				r, err := ResizeBilinear(img, s, s)
				if err != nil {
					t.Fatal(err)
				}
				if sha(r.Pix) != c.ResizeSha[key] {
					t.Errorf("resize to %d differs from Pillow", s)
				}
				pv, err := Preprocess(img, DefaultConfig(s))
				if err != nil {
					t.Fatal(err)
				}
				if sha(f32Bytes(pv)) != c.PVSha[key] {
					t.Errorf("pixel_values at %d differ from transformers", s)
				}
			}
		})
	}
}

func TestGoldenImagenetNormalize(t *testing.T) {
	g := loadGolden(t)
	in := g.Imnet
	img, err := Load(filepath.Join("testdata", "golden", in.File), 0)
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig(in.Size)
	for i := 0; i < 3; i++ {
		c.Mean[i], c.Std[i] = float32(in.Mean[i]), float32(in.Std[i])
	}
	pv, err := Preprocess(img, c)
	if err != nil {
		t.Fatal(err)
	}
	if sha(f32Bytes(pv)) != in.PVSha {
		t.Errorf("pixel_values with ImageNet mean/std differ from transformers")
	}
}

// pattern is gen_golden.py's pattern(): hashed noise in a checkerboard of
// 4x4 cells with a smooth ramp.
func pattern(w, h int) RGB {
	m := NewRGB(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				X, Y, C := uint64(x), uint64(y), uint64(c)
				v := (X*73856093 ^ Y*19349663 ^ C*83492791) >> 5
				if (x/4+y/4)%2 != 0 {
					v = (X*255/uint64(max(w-1, 1)) + Y*3) & 255
				}
				m.Pix[3*(y*w+x)+c] = uint8(v)
			}
		}
	}
	return m
}

func TestGoldenResizeSizes(t *testing.T) {
	g := loadGolden(t)
	for _, r := range g.Resize {
		iw, ih, ow, oh := int(r[0].(float64)), int(r[1].(float64)), int(r[2].(float64)), int(r[3].(float64))
		out, err := ResizeBilinear(pattern(iw, ih), ow, oh)
		if err != nil {
			t.Fatal(err)
		}
		if sha(out.Pix) != r[4].(string) {
			t.Errorf("resize %dx%d -> %dx%d differs from Pillow %s", iw, ih, ow, oh, g.Pillow)
		}
	}
}

func gunzip(t *testing.T, name string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffStats returns the largest absolute difference and how many differ.
func diffStats(a, b []uint8) (maxd, n int) {
	if len(a) != len(b) {
		return 256, len(b)
	}
	for i := range a {
		if d := absInt(int(a[i]) - int(b[i])); d > 0 {
			n++
			maxd = max(maxd, d)
		}
	}
	return maxd, n
}
