package imageproc

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestMultimodalGolden checks the two images of the c_multimodal fixture
// against transformers' output (testdata/README.md says how it was made):
// the PIL-resized bytes exactly and pixel_values bit for bit.
func TestMultimodalGolden(t *testing.T) {
	const size = 32
	wantU8 := readFile(t, "multimodal_resized_u8.bin")
	wantPV := readF32(t, "multimodal_pixel_values_f32.bin")
	for i, name := range []string{"image0.png", "image1.png"} {
		img, err := Load(filepath.Join("testdata", name), 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ResizeBilinear(img, size, size)
		if err != nil {
			t.Fatal(err)
		}
		want := wantU8[i*size*size*3 : (i+1)*size*size*3]
		if d := maxDiffU8(r.Pix, want); d != 0 {
			t.Errorf("%s: resized bytes differ from PIL by up to %d", name, d)
		}
		pv, err := Preprocess(img, DefaultConfig(size))
		if err != nil {
			t.Fatal(err)
		}
		wpv := wantPV[i*3*size*size : (i+1)*3*size*size]
		for j := range pv {
			if math.Float32bits(pv[j]) != math.Float32bits(wpv[j]) {
				t.Errorf("%s: pixel_values[%d] = %v, want %v", name, j, pv[j], wpv[j])
				break
			}
		}
	}
}

func TestPreprocessErrors(t *testing.T) {
	img := NewRGB(4, 4)
	for _, tc := range []struct {
		name string
		img  RGB
		cfg  Config
	}{
		{"zero size", img, DefaultConfig(0)},
		{"zero std", img, Config{Size: 4, Std: [3]float32{1, 0, 1}, RescaleFactor: 1}},
		{"empty image", RGB{}, DefaultConfig(4)},
		{"short pix", RGB{W: 4, H: 4, Pix: make([]uint8, 5)}, DefaultConfig(4)},
	} {
		if _, err := Preprocess(tc.img, tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readF32(t testing.TB, name string) []float32 {
	b := readFile(t, name)
	f := make([]float32, len(b)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f
}

func maxDiffU8(a, b []uint8) int {
	if len(a) != len(b) {
		return 256
	}
	d := 0
	for i := range a {
		d = max(d, absInt(int(a[i])-int(b[i])))
	}
	return d
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
