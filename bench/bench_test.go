package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// tinyConfig is a small model with every part of the real ones: sliding and
// full layers in both stacks and a vision tower (28 px, 2×2 patches pooled
// to one soft token). Rows are 64 wide so that Q8_0/Q4_0 blocks fit.
func tinyConfig(vocab int) *t5gemma.Config {
	s := t5gemma.StackConfig{Layers: 3, Heads: 2, KVHeads: 1, HeadDim: 32, FFN: 128, Window: 8,
		Sliding: []bool{true, true, false}, QueryScalar: 32, Eps: 1e-6, Context: 4096,
		RopeBase: 1e6, RopeFactor: 8, RopeBaseSWA: 1e4, RopeFactorSWA: 1}
	d := s
	d.Layers, d.Sliding = 2, []bool{true, false}
	return &t5gemma.Config{Vocab: vocab, Hidden: 64, Enc: s, Dec: d, BOS: 2, PAD: 0, DecoderStart: 2, EOS: []int32{1},
		BOI: int32(vocab - 3), EOI: int32(vocab - 2), ImageToken: int32(vocab - 1), MMTokensPerImage: 1,
		Vision: &t5gemma.VisionConfig{ImageSize: 28, PatchSize: 14, Hidden: 64, Layers: 2, Heads: 2, FFN: 96,
			Eps: 1e-6, Mean: [3]float32{0.5, 0.5, 0.5}, Std: [3]float32{0.5, 0.5, 0.5}, Rescale: 1.0 / 255}}
}

// tinyFile writes a tiny synthetic model without tokenizer.
func tinyFile(t *testing.T, typ tensor.Type) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := Synthesize(path, tinyConfig(512), SynthOptions{Type: typ, Seed: 3, NoTokenizer: true}); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyOptions measure a tiny model quickly: small lengths, a small read
// probe.
func tinyOptions(path string) Options {
	return Options{Model: path, Threads: []int{1, 2}, Reps: 2, Prefill: []int{8, 24}, Decode: []int{16},
		NGen: 4, Batch: []int{1, 3}, Image: true, ImageReps: 2, LoadReps: 2, probeBytes: 8 << 20, probeTime: 5 * time.Millisecond}
}

func TestRunRecords(t *testing.T) {
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.F16} {
		t.Run(typ.String(), func(t *testing.T) {
			var steps []string
			o := tinyOptions(tinyFile(t, typ))
			o.Progress = func(label string, done, total int) {
				if done >= total {
					t.Errorf("progress %d of %d at %q", done, total, label)
				}
				steps = append(steps, label)
			}
			res, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if want := (&runner{o: o}).count(); len(steps) != want {
				t.Errorf("%d progress steps, counted %d", len(steps), want)
			}
			// load, then per thread count: 2 prefill, ttft + decode of 1 and of 3 sequences, image
			want := []string{"load", "prefill", "prefill", "ttft", "decode", "ttft", "decode", "image",
				"prefill", "prefill", "ttft", "decode", "ttft", "decode", "image"}
			if len(res.Records) != len(want) {
				t.Fatalf("%d records, want %d", len(res.Records), len(want))
			}
			for i, r := range res.Records {
				if r.Test != want[i] {
					t.Errorf("record %d is %q, want %q", i, r.Test, want[i])
				}
				checkRecord(t, r, typ)
				if wantBatch := 1 + 2*(i%7/5); (r.Test == "decode" || r.Test == "ttft") && r.Batch != wantBatch {
					t.Errorf("record %d (%s): batch %d, want %d", i, r.Test, r.Batch, wantBatch)
				}
			}
			// a batch's decode figure counts every sequence's tokens
			if b1, b3 := res.Records[4], res.Records[6]; math.Abs(b3.MedianTS*b3.MedianS-3*b1.MedianTS*b1.MedianS) > 1e-9 {
				t.Errorf("batch of 3: %g tokens per run, one sequence %g", b3.MedianTS*b3.MedianS, b1.MedianTS*b1.MedianS)
			}
			if len(res.Peaks) != 2 || res.Peaks[1].Threads != 2 || !(res.Peaks[0].ReadBW > 0) || !(res.Peaks[0].Int8 > 0) {
				t.Errorf("peaks %+v", res.Peaks)
			}
			var tbl, js bytes.Buffer
			if err := WriteTable(&tbl, res); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"prefill", "24", "tok/s", "roofline", "peaks:"} {
				if !strings.Contains(tbl.String(), s) {
					t.Errorf("table lacks %q:\n%s", s, tbl.String())
				}
			}
			if err := WriteJSON(&js, res); err != nil {
				t.Fatal(err)
			}
			checkJSON(t, js.Bytes(), len(want))
		})
	}
}

func checkRecord(t *testing.T, r Record, typ tensor.Type) {
	t.Helper()
	ok := r.Batch >= 1 && r.Type == typ.String() && r.Kernels != "" && r.Reps == len(r.SamplesS) &&
		r.MinTS > 0 && r.MinTS <= r.MedianTS && r.MedianTS <= r.MaxTS && r.PeakRSS > 0 && r.ModelNParams > 0 && r.Synthetic
	if !ok {
		t.Errorf("record %+v", r)
	}
	// no roofline: load, and an image run in bfloat16 on AMX tiles
	noRoof := r.Test == "load" || (r.Test == "image" && r.Kernels == "amx" && typ != tensor.F32 && typ != tensor.F16)
	if (r.RooflinePct == nil) != noRoof {
		t.Errorf("%s: roofline %v", r.Test, r.RooflinePct)
	}
	if p := r.RooflinePct; p != nil && (!(*p > 0) || math.IsInf(*p, 0)) {
		t.Errorf("%s: roofline %g%%", r.Test, *p)
	}
	switch r.Test {
	case "decode":
		// which bound wins depends on the probed peaks (purego probes far
		// lower compute peaks), so only its naming is checked here
		if r.NGen != 4 || r.NEnc != 16 || (r.Bound != "memory" && r.Bound != "compute") {
			t.Errorf("decode record %+v", r)
		}
	case "prefill":
		if r.NGen != 0 || (r.NEnc != 8 && r.NEnc != 24) {
			t.Errorf("prefill record %+v", r)
		}
	}
}

// checkJSON: a list of records, each with the documented keys.
func checkJSON(t *testing.T, b []byte, n int) {
	t.Helper()
	var recs []map[string]any
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("%d JSON records, want %d", len(recs), n)
	}
	keys := []string{"test", "n_enc", "n_gen", "batch", "threads", "type", "kernels", "median_ts", "min_ts", "max_ts",
		"roofline_pct", "peak_rss_bytes", "samples_s", "model_filename", "cpu_info"}
	for _, r := range recs {
		for _, k := range keys {
			if _, ok := r[k]; !ok {
				t.Errorf("JSON record %v lacks %q", r["test"], k)
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	good := tinyFile(t, tensor.Q8_0)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.gguf", data[:len(data)/2])
	garbage := write("garbage.gguf", bytes.Repeat([]byte("not a model "), 100))
	tests := []struct {
		name string
		edit func(o *Options)
		want string
	}{
		{"missing", func(o *Options) { o.Model = filepath.Join(dir, "nope.gguf") }, "no such file (make one with"},
		{"folder", func(o *Options) { o.Model = dir }, "is a folder"},
		{"garbage", func(o *Options) { o.Model = garbage }, "not a usable GGUF file"},
		{"truncated", func(o *Options) { o.Model = truncated }, "not a usable GGUF file"},
		{"too big", func(o *Options) { o.avail = 1 << 20 }, "needs about"},
		{"synthetic too big", func(o *Options) { o.Model, o.Size, o.Type, o.CacheDir, o.avail = "", "4b", tensor.F16, dir, 1<<30 }, "the 4b f16 model needs about"},
		{"unknown size", func(o *Options) { o.Model, o.Size, o.CacheDir = "", "2b", dir }, "unknown size"},
		{"threads", func(o *Options) { o.Threads = []int{0} }, "thread count 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tinyOptions(good)
			tc.edit(&o)
			_, err := Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// nothing was written for the model that does not fit
	if m, _ := filepath.Glob(filepath.Join(dir, "*4b*")); len(m) != 0 {
		t.Errorf("files made for a model that does not fit: %v", m)
	}
}
