package imageproc

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode runs arbitrary bytes through decode, resize and preprocess.
// Nothing may panic; a decoded image must be consistent; the pixel limit
// keeps each input's memory small.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.*"))
	files = append(files, filepath.Join("testdata", "image0.png"))
	for _, p := range files {
		if filepath.Ext(p) == ".gz" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(pngHeaderOnly(100000, 100000))
	f.Add(jpegSOF(300, 200))
	f.Add(gifHeader(4, 4, ',', 0, 0, 0, 0, 4, 0, 4, 0, 0, 2, 2, 0x44, 0x0a, 0, ';'))
	f.Add(webpVP8X(20, 20))
	f.Add(webpAnim(8, 8, make([]byte, 16)))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 18
		img, err := DecodeBytes(data, "fuzz", limit)
		if err != nil {
			return
		}
		if err := img.check(); err != nil {
			t.Fatalf("decoded image inconsistent: %v", err)
		}
		if img.W*img.H > limit {
			t.Fatalf("decoded %dx%d over the limit", img.W, img.H)
		}
		for _, s := range []int{1, 7, 16} {
			pv, err := Preprocess(img, DefaultConfig(s))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range pv {
				if !(v >= -1 && v <= 1) {
					t.Fatalf("pixel value %v out of [-1, 1]", v)
				}
			}
		}
	})
}
