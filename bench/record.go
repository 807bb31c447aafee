package bench

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/cpuid/v2"
	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// Record is one measured figure, in the spirit of llama-bench's JSON
// records. Rates (…_ts) are per second of the figure's unit: encoder tokens
// for prefill, new tokens for decode, one token for ttft, one image for
// image, one load for load.
type Record struct {
	Test    string `json:"test"`    // load, prefill, ttft, decode or image
	NEnc    int    `json:"n_enc"`   // encoder tokens
	NGen    int    `json:"n_gen"`   // new decoder tokens
	Batch   int    `json:"batch"`   // sequences per run
	Threads int    `json:"threads"` // 0 for load, which is not threaded

	Type         string `json:"type"`    // weight type of the linear layers
	Kernels      string `json:"kernels"` // kernel tier
	ModelFile    string `json:"model_filename"`
	ModelType    string `json:"model_type"`
	ModelSize    int64  `json:"model_size"` // file bytes
	ModelNParams int64  `json:"model_n_params"`
	Synthetic    bool   `json:"synthetic"`

	Reps      int       `json:"reps"`
	SamplesS  []float64 `json:"samples_s"` // seconds per repetition
	MedianS   float64   `json:"median_s"`
	MinS      float64   `json:"min_s"`
	MaxS      float64   `json:"max_s"`
	MedianTS  float64   `json:"median_ts"`
	MinTS     float64   `json:"min_ts"`
	MaxTS     float64   `json:"max_ts"`
	SpreadPct float64   `json:"spread_pct"` // (max_ts - min_ts) / median_ts × 100

	// RooflineS is the least time the machine could take (the probed peaks
	// and bandwidth at this thread count); RooflinePct = 100·RooflineS/MedianS.
	// Both are null for load.
	RooflineS   *float64 `json:"roofline_s"`
	RooflinePct *float64 `json:"roofline_pct"`
	Bound       string   `json:"bound,omitempty"` // compute or memory: which roofline term is larger

	PeakRSS   int64   `json:"peak_rss_bytes"` // peak resident size during this figure (weights mapped so far included)
	CPUPct    float64 `json:"cpu_pct"`        // process CPU time ÷ (wall time × threads) over the timed runs; 0 = unknown
	CPUInfo   string  `json:"cpu_info"`
	GoVersion string  `json:"go_version"`
	TestTime  string  `json:"test_time"`

	work work // what the figure must do at least, for its roofline
}

// setRoofline fills in the roofline fields against pk; load has none.
func (rec *Record) setRoofline(pk Peaks) {
	if rec.Test == "load" || rec.work.noPeak {
		return
	}
	w := rec.work
	t := w.seconds(pk)
	pct := 100 * t / rec.MedianS
	rec.RooflineS, rec.RooflinePct = &t, &pct
	rec.Bound = "memory"
	if pk.ReadBW > 0 && w.bytes/pk.ReadBW < t {
		rec.Bound = "compute"
	}
}

// add summarises samples (seconds per repetition, each of units) into a
// record and appends it.
func (r *runner) add(rec Record, samples []float64, units float64, w work) {
	rec.Batch = max(rec.Batch, 1)
	rec.Type, rec.Kernels = r.info.typ, kernels.Selected()
	rec.ModelFile, rec.ModelType, rec.ModelSize = r.info.file, r.info.kind, r.info.size
	rec.ModelNParams, rec.Synthetic = r.info.params, r.info.synthetic
	rec.Reps, rec.SamplesS = len(samples), samples
	s := slices.Sorted(slices.Values(samples))
	rec.MinS, rec.MaxS, rec.MedianS = s[0], s[len(s)-1], median(s)
	rec.MedianTS, rec.MinTS, rec.MaxTS = units/rec.MedianS, units/rec.MaxS, units/rec.MinS
	rec.SpreadPct = 100 * (rec.MaxTS - rec.MinTS) / rec.MedianTS
	rec.work = w
	if rec.PeakRSS == 0 {
		rec.PeakRSS = peakRSS()
	}
	rec.CPUInfo, rec.GoVersion = r.res.Machine.CPU, runtime.Version()
	rec.TestTime = time.Now().UTC().Format(time.RFC3339)
	r.res.Records = append(r.res.Records, rec)
}

// median of sorted values.
func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// modelInfo is what records say about the model.
type modelInfo struct {
	file, kind, typ string
	size, params    int64
	synthetic       bool
}

func describeModel(m *t5gemma.Model, path string, synthetic bool) modelInfo {
	info := modelInfo{file: path, typ: m.Enc.Layers[0].Q.Type.Base().String(), kind: "t5gemma2", synthetic: synthetic}
	if st, err := os.Stat(path); err == nil {
		info.size = st.Size()
	}
	for _, size := range []string{"270m", "1b", "4b"} {
		c, _ := t5gemma.SizeConfig(size)
		if c.Hidden == m.Config.Hidden && c.Enc.Layers == m.Config.Enc.Layers && c.Dec.Layers == m.Config.Dec.Layers {
			info.kind += " " + size + "-" + size
		}
	}
	if m.Vision != nil {
		info.kind += " +vision"
	}
	info.params = countParams(m)
	return info
}

func countParams(m *t5gemma.Model) int64 {
	n := int64(m.Embd.Elements() + len(m.EOI))
	mats := func(ts ...tensor.Tensor) {
		for _, t := range ts {
			n += int64(t.Elements())
		}
	}
	vecs := func(vs ...[]float32) {
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	for _, s := range []*t5gemma.Stack{&m.Enc, &m.Dec} {
		for i := range s.Layers {
			L := &s.Layers[i]
			mats(L.Q, L.K, L.V, L.O, L.Gate, L.Up, L.Down)
			vecs(L.AttnNorm, L.QNorm, L.KNorm, L.AttnPostNorm, L.FFNNorm, L.FFNPostNorm)
		}
		vecs(s.OutNorm)
	}
	if v := m.Vision; v != nil {
		mats(v.PatchW, v.InputProj)
		vecs(v.PatchB, v.Pos, v.PostLNW, v.PostLNB, v.SoftNorm)
		for i := range v.Layers {
			L := &v.Layers[i]
			mats(L.Q, L.K, L.V, L.Out, L.Up, L.Down)
			vecs(L.LN1W, L.LN1B, L.QB, L.KB, L.VB, L.OutB, L.LN2W, L.LN2B, L.UpB, L.DownB)
		}
	}
	return n
}

// Machine describes where a run took place.
type Machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"` // logical CPUs Go sees
	Kernels   string `json:"kernels"`
	Features  string `json:"kernel_features"`
	MemTotal  int64  `json:"mem_total_bytes"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

func describeMachine() Machine {
	return Machine{
		CPU: strings.TrimSpace(cpuid.CPU.BrandName), Cores: runtime.NumCPU(),
		Kernels: kernels.Selected(), Features: kernels.Features(),
		MemTotal: meminfo("MemTotal:"), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
	}
}
