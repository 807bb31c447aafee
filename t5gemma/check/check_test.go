package check

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// unpackCase extracts testdata/NAME.tar.gz into a temporary folder and
// returns the case folder.
func unpackCase(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.Name, "..") {
			t.Fatalf("bad path %q in archive", h.Name)
		}
		p := filepath.Join(dir, h.Name)
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		out.Close()
	}
	return filepath.Join(dir, name)
}

// TestGolden runs check on the oracle's cases at each type. Left out:
// a and c at q4_0 and b at q8_0/q4_0, whose tiny random 6- and 4-layer stacks
// amplify weight rounding so much (f16 rounding alone moves a's logits by
// 0.3% of their scale, d's by 0.0002%) that 8/4-bit weights flip near-tie
// argmaxes; the real-width case d passes at every type.
func TestGolden(t *testing.T) {
	all := []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0}
	cases := []struct {
		name  string
		types []tensor.Type
	}{
		{"a_text_short", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"b_text_sliding_batch", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"c_multimodal", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0}},
		{"d_real_width", all},
		{"e_right_pad_gqa3", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
		{"f_rope_softcap", []tensor.Type{tensor.F32, tensor.F16, tensor.BF16}},
	}
	for _, c := range cases {
		dir := unpackCase(t, c.name)
		for _, typ := range c.types {
			t.Run(c.name+"/"+typ.String(), func(t *testing.T) {
				r, err := Run(context.Background(), dir, Options{Type: typ, Threads: 2})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range r.Rows {
					if !row.OK {
						t.Errorf("%s: rel %.3g (tolerance %g), top-1 %.4f (want >= %g) %s", row.Name, row.Rel, r.Tol.Rel, row.Top1, r.Tol.Top1, row.Note)
					}
				}
				if len(r.Rows) < 11 {
					t.Errorf("only %d rows compared", len(r.Rows))
				}
			})
		}
	}
}
