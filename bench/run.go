package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// Options describe a benchmark run. Start from Defaults: zero counts and
// an empty thread list take the defaults, but empty length lists and a false
// Image mean that those figures are not measured.
type Options struct {
	Model    string      // GGUF file; "" = the cached synthetic model of Size, Type and Seed
	Size     string      // synthetic model: 270m, 1b or 4b
	Type     tensor.Type // synthetic model's weight type
	Seed     uint64      // synthetic model's seed
	CacheDir string      // where synthetic models are kept; "" = DefaultCacheDir

	Threads   []int // thread counts, each measured in turn
	Reps      int   // timed repetitions of each figure, after one warm-up
	Prefill   []int // encoder lengths of the prefill figures
	Decode    []int // encoder lengths before the decode and time-to-first-token figures
	NGen      int   // new tokens of each decode figure
	Batch     []int // sequences decoded together in the decode figures (each a figure)
	Image     bool  // time one image through the vision tower (if the model has one)
	ImageReps int   // repetitions of the image figure (it is the longest)
	LoadReps  int   // repetitions of the load figure

	// Progress, if set, sees a label for the current step and how many of
	// all the timed runs are done; Generating sees bytes of a synthetic
	// model being written.
	Progress   func(label string, done, total int)
	Generating func(done, total int64)
	Log        io.Writer // one-line notes (model made or reused, probes); nil = none

	avail      int64         // memory available, for tests; 0 = MemAvailable
	probeBytes int64         // read probe buffer, for tests; 0 = probeSize()
	probeTime  time.Duration // compute probe runs, for tests; 0 = 100 ms
}

// Defaults are the options of a plain 't5go bench': the 270M model at
// Q8_0, every figure, five repetitions (one for the image). On two cores
// it takes about two minutes, model generation included.
func Defaults() Options {
	return Options{
		Size: "270m", Type: tensor.Q8_0, Threads: []int{runtime.NumCPU()}, Reps: 5,
		Prefill: []int{128, 512, 2048}, Decode: []int{128, 512}, NGen: 64, Batch: []int{1},
		Image: true, ImageReps: 1, LoadReps: 3,
	}
}

func (o *Options) fill() {
	d := Defaults()
	if o.Model == "" && o.Size == "" {
		o.Size = d.Size
	}
	if o.Model == "" && o.Type == 0 {
		o.Type = d.Type
	}
	if len(o.Threads) == 0 {
		o.Threads = d.Threads
	}
	if o.Reps <= 0 {
		o.Reps = d.Reps
	}
	if o.NGen <= 0 {
		o.NGen = d.NGen
	}
	if len(o.Batch) == 0 {
		o.Batch = d.Batch
	}
	if o.ImageReps <= 0 {
		o.ImageReps = d.ImageReps
	}
	if o.LoadReps <= 0 {
		o.LoadReps = d.LoadReps
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.probeBytes == 0 {
		o.probeBytes = probeSize()
	}
	if o.probeTime == 0 {
		o.probeTime = 100 * time.Millisecond
	}
}

// Result is everything a run measured.
type Result struct {
	Machine Machine  `json:"machine"`
	Peaks   []Peaks  `json:"peaks"`
	Records []Record `json:"records"`
}

// Run benchmarks a model as o says. Every size is checked against the
// memory the system reports available before anything large is allocated
// or written.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.fill()
	for _, t := range o.Threads {
		if t <= 0 {
			return nil, fmt.Errorf("thread count %d must be positive", t)
		}
	}
	for _, b := range o.Batch {
		if b <= 0 {
			return nil, fmt.Errorf("batch size %d must be positive", b)
		}
	}
	path, synthetic, err := prepareModel(&o)
	if err != nil {
		return nil, err
	}
	r := &runner{o: o, ctx: ctx, res: &Result{Machine: describeMachine()}, synthetic: synthetic}
	r.total = r.count()
	if err := r.load(path); err != nil {
		return nil, err
	}
	defer r.m.Close()
	for _, th := range o.Threads {
		if err := r.threads(th); err != nil {
			return r.res, err
		}
	}
	return r.res, nil
}

// maxBatch is the largest batch of the decode figures.
func (o *Options) maxBatch() int { return slices.Max(append([]int{1}, o.Batch...)) }

// limits sizes a state of batch sequences for the longest figure of o.
func (o *Options) limits(batch int) t5gemma.Limits {
	enc := max(slices.Max(append([]int{1}, o.Prefill...)), slices.Max(append([]int{1}, o.Decode...)))
	return t5gemma.Limits{Batch: batch, EncLen: enc, DecLen: o.NGen + 1, Chunk: 1}
}

// prepareModel returns the file to measure and whether it is synthetic:
// o.Model after checking that it exists, parses and fits in memory, or the
// cached synthetic model, made if missing after checking that it fits on
// disk and in memory.
func prepareModel(o *Options) (path string, synthetic bool, err error) {
	avail := o.avail
	if avail == 0 {
		avail = availableMemory()
	}
	if o.Model == "" {
		c, err := t5gemma.SizeConfig(o.Size)
		if err != nil {
			return "", false, err
		}
		what := fmt.Sprintf("the %s %s model", o.Size, o.Type)
		if err := checkFits(what, estimate(c, FileBytes(c, o.Type), o), avail); err != nil {
			return "", false, err
		}
		dir := o.CacheDir
		if dir == "" {
			if dir, err = DefaultCacheDir(); err != nil {
				return "", false, err
			}
		}
		start := time.Now()
		path = CachePath(dir, o.Size, o.Type, o.Seed)
		made, err := cachedSynthetic(path, c, SynthOptions{Type: o.Type, Seed: o.Seed, Progress: o.Generating})
		if err != nil {
			return "", false, err
		}
		if made {
			fmt.Fprintf(o.Log, "made the synthetic model %s in %.1f s\n", path, time.Since(start).Seconds())
		} else {
			fmt.Fprintf(o.Log, "using the cached synthetic model %s\n", path)
		}
		return path, true, nil
	}
	st, err := os.Stat(o.Model)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("model %s: no such file (make one with 't5go convert' or 't5go synth', or run 't5go bench' without -m to use a synthetic model)", o.Model)
	} else if err != nil {
		return "", false, fmt.Errorf("model %s: %w", o.Model, err)
	}
	if st.IsDir() {
		return "", false, fmt.Errorf("model %s is a folder, not a GGUF file (convert a checkpoint folder with 't5go convert')", o.Model)
	}
	f, err := gguf.Open(o.Model)
	if err != nil {
		return "", false, fmt.Errorf("model %s is not a usable GGUF file: %w", o.Model, err)
	}
	c, err := t5gemma.ReadConfig(f)
	synthetic, _ = f.BoolOr(t5gemma.Arch+".synthetic", false)
	f.Close()
	if err != nil {
		return "", false, fmt.Errorf("model %s is not a usable T5Gemma 2 model: %w", o.Model, err)
	}
	if err := checkFits("model "+o.Model, estimate(c, st.Size(), o), avail); err != nil {
		return "", false, err
	}
	return o.Model, synthetic, nil
}

// runner carries one run's state.
type runner struct {
	o           Options
	ctx         context.Context
	res         *Result
	m           *t5gemma.Model
	info        modelInfo
	synthetic   bool
	done, total int
}

// count is the number of timed runs, warm-ups included, for the progress.
func (r *runner) count() int {
	o := &r.o
	n := o.LoadReps
	per := 2 + len(o.Prefill)*(o.Reps+1) + len(o.Decode)*max(1, len(o.Batch))*(o.Reps+1) // two probes
	if o.Image {
		per += o.ImageReps
	}
	return n + per*len(o.Threads)
}

func (r *runner) step(label string) error {
	if r.o.Progress != nil {
		r.o.Progress(label, r.done, r.total)
	}
	r.done++
	return r.ctx.Err()
}

// load times Load and Close, then keeps the model open for the rest.
func (r *runner) load(path string) error {
	var samples []float64
	resetPeakRSS()
	for range r.o.LoadReps {
		if err := r.step("load"); err != nil {
			if r.m != nil {
				r.m.Close()
			}
			return err
		}
		start := time.Now()
		m, err := t5gemma.Load(path)
		if err != nil {
			if r.m != nil {
				r.m.Close()
			}
			return fmt.Errorf("model %s is not a usable T5Gemma 2 model: %w", path, err)
		}
		samples = append(samples, time.Since(start).Seconds())
		if r.m != nil {
			r.m.Close()
		}
		r.m = m
	}
	r.info = describeModel(r.m, path, r.synthetic)
	if r.o.Image && r.m.Vision == nil {
		fmt.Fprintf(r.o.Log, "%s has no vision tower: no image figure\n", path)
		r.o.Image = false
	}
	r.add(Record{Test: "load"}, samples, 1, work{})
	return nil
}
