package imageproc

import "testing"

// BenchmarkPreprocess1080pTo896 is the Gemma 3 896x896 input from a
// 1920x1080 frame: resize (both passes) plus normalisation.
func BenchmarkPreprocess1080pTo896(b *testing.B) {
	img := pattern(1920, 1080)
	c := DefaultConfig(896)
	dst := make([]float32, 3*896*896)
	b.SetBytes(int64(len(img.Pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := PreprocessInto(dst, img, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResize1080pTo896(b *testing.B) {
	img := pattern(1920, 1080)
	b.SetBytes(int64(len(img.Pix)))
	for b.Loop() {
		if _, err := ResizeBilinear(img, 896, 896); err != nil {
			b.Fatal(err)
		}
	}
}
