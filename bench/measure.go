package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// threads measures every figure at one thread count.
func (r *runner) threads(th int) error {
	pool := kernels.NewPool(th)
	defer pool.Close()
	// The peaks are probed before and after the figures and the larger
	// kept: on a shared machine a probe that ran while other processes held
	// the cores would understate the ceiling. Rooflines are filled in at the
	// end, against the final peaks.
	if err := r.step(fmt.Sprintf("probe t=%d", th)); err != nil {
		return err
	}
	pk := probe(pool, r.o.probeBytes, r.o.probeTime)
	first := len(r.res.Records)
	err := r.figures(pool, th)
	// Hand the freed activations back to the OS, or the next thread
	// count's figures would show them in their peak RSS.
	debug.FreeOSMemory()
	if err != nil {
		return err
	}
	if err := r.step(fmt.Sprintf("probe t=%d", th)); err != nil {
		return err
	}
	pk = pk.max(probe(pool, r.o.probeBytes, r.o.probeTime))
	r.res.Peaks = append(r.res.Peaks, pk)
	fmt.Fprintf(r.o.Log, "threads %d: read %.1f GB/s, int8 %.0f GOP/s (%s), fma %.0f GFLOP/s (%s)\n",
		th, pk.ReadBW/1e9, pk.Int8/1e9, pk.Int8How, pk.FMA/1e9, pk.FMAHow)
	for i := first; i < len(r.res.Records); i++ {
		r.res.Records[i].setRoofline(pk)
	}
	return nil
}

// series collects the samples of one figure.
type series struct {
	rec     Record
	units   float64 // per run: tokens, or 1
	w       work    // per run
	samples []float64
	rss     int64
}

// job is one timed operation feeding one or more figures: run returns a
// duration for each of them.
type job struct {
	label string
	run   func() ([]float64, error)
	out   []*series
	cpu   cpuShare
}

// figures runs the text figures in rounds: a warm-up round, then Reps
// rounds in which every figure runs once. A spell of other work on the
// machine then lands in one sample of each figure, widening the ranges,
// instead of shifting every sample of the figure that happened to be
// running. The image, the longest, runs last.
func (r *runner) figures(pool *kernels.Pool, th int) error {
	st, err := r.m.NewState(r.o.limits(1), pool)
	if err != nil {
		return err
	}
	// Batched figures get their own state, so the one-sequence figures'
	// peak RSS does not include a batch's activations.
	batched := st
	if b := r.o.maxBatch(); b > 1 {
		if batched, err = r.m.NewState(r.o.limits(b), pool); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(r.o.Seed, 7))
	var jobs []*job
	for _, s := range r.o.Prefill {
		jobs = append(jobs, r.prefillJob(st, rng, th, s))
	}
	for _, s := range r.o.Decode {
		for _, b := range r.o.Batch {
			if b == 1 {
				jobs = append(jobs, r.decodeJob(st, rng, th, s, 1))
			} else {
				jobs = append(jobs, r.decodeJob(batched, rng, th, s, b))
			}
		}
	}
	for round := range r.o.Reps + 1 {
		for _, j := range jobs {
			if err := r.step(j.label); err != nil {
				return err
			}
			resetPeakRSS()
			c := j.cpu.start()
			d, err := j.run()
			if err != nil {
				return err
			}
			rss := peakRSS()
			if round == 0 {
				continue // warm-up
			}
			j.cpu.stop(c)
			for i, s := range j.out {
				s.samples = append(s.samples, d[i])
				s.rss = max(s.rss, rss)
			}
		}
	}
	for _, j := range jobs {
		for _, s := range j.out {
			s.rec.PeakRSS, s.rec.CPUPct = s.rss, j.cpu.pct(th)
			r.add(s.rec, s.samples, s.units, s.w)
		}
	}
	if r.o.Image {
		return r.image(pool, th)
	}
	return nil
}

// ids are s random ordinary token ids (no special or image ids).
func (r *runner) ids(rng *rand.Rand, s int) []int32 {
	hi := min(r.m.Config.Vocab, 255000)
	ids := make([]int32, s)
	for i := range ids {
		ids[i] = int32(3 + rng.IntN(hi-3))
	}
	return ids
}

// prefillJob times Encode over s tokens: the encoder and the decoder's
// cross keys and values.
func (r *runner) prefillJob(st *t5gemma.State, rng *rand.Rand, th, s int) *job {
	in := t5gemma.EncoderInput{B: 1, S: s, IDs: r.ids(rng, s)}
	fig := &series{rec: Record{Test: "prefill", NEnc: s, Threads: th}, units: float64(s), w: encodeWork(r.m, s)}
	return &job{label: fmt.Sprintf("prefill %d t=%d", s, th), out: []*series{fig}, run: func() ([]float64, error) {
		start := time.Now()
		err := st.Encode(in)
		return []float64{time.Since(start).Seconds()}, err
	}}
}

// decodeJob times NGen greedy decoder steps of b sequences decoded together
// after an Encode of b inputs of s tokens, and the time to the first tokens
// (Encode plus the first step). The decode figure counts the tokens of all
// b sequences. Each row's argmax token is fed back but EOS does not stop
// it: random weights would end some runs early.
func (r *runner) decodeJob(st *t5gemma.State, rng *rand.Rand, th, s, b int) *job {
	in := t5gemma.EncoderInput{B: b, S: s, IDs: r.ids(rng, b*s)}
	n, V := r.o.NGen, r.m.Config.Vocab
	ttft := &series{rec: Record{Test: "ttft", NEnc: s, NGen: 1, Batch: b, Threads: th}, units: 1,
		w: encodeWork(r.m, s).scale(float64(b)).add(decodeWork(r.m, s, 0, b))}
	gen := &series{rec: Record{Test: "decode", NEnc: s, NGen: n, Batch: b, Threads: th}, units: float64(b * n),
		w: generateWork(r.m, s, n, b)}
	tok := make([]int32, b)
	label := fmt.Sprintf("decode %d+%d t=%d", s, n, th)
	if b > 1 {
		label = fmt.Sprintf("decode %dx(%d+%d) t=%d", b, s, n, th)
	}
	return &job{label: label, out: []*series{ttft, gen}, run: func() ([]float64, error) {
		start := time.Now()
		if err := st.Encode(in); err != nil {
			return nil, err
		}
		encoded := time.Now()
		for i := range tok {
			tok[i] = r.m.Config.DecoderStart
		}
		var first time.Time
		for j := range n {
			logits, err := st.Decode(tok, 1, false)
			if err != nil {
				return nil, err
			}
			for i := range tok {
				tok[i] = int32(kernels.Argmax(logits[i*V : (i+1)*V]))
			}
			if j == 0 {
				first = time.Now()
			}
		}
		return []float64{first.Sub(start).Seconds(), time.Since(encoded).Seconds()}, nil
	}}
}

// touchVision reads one byte of every page of the vision weights, so the
// first timed image does not pay the page faults of a fresh mapping.
func touchVision(v *t5gemma.VisionWeights) byte {
	var x byte
	touch := func(t tensor.Tensor) {
		for i := 0; i < len(t.Data); i += 4096 {
			x ^= t.Data[i]
		}
	}
	touch(v.PatchW)
	touch(v.InputProj)
	for i := range v.Layers {
		L := &v.Layers[i]
		for _, t := range []tensor.Tensor{L.Q, L.K, L.V, L.Out, L.Up, L.Down} {
			touch(t)
		}
	}
	return x
}

// image times one image through the vision tower and the projector (random
// pixels in [-1, 1], as after normalisation).
func (r *runner) image(pool *kernels.Pool, th int) error {
	vs, err := r.m.NewVisionState(pool)
	if err != nil {
		return err
	}
	vc := r.m.Config.Vision
	pixels := make([]float32, 3*vc.ImageSize*vc.ImageSize)
	rng := rand.New(rand.NewPCG(r.o.Seed, 11))
	for i := range pixels {
		pixels[i] = 2*rng.Float32() - 1
	}
	dst := make([]float32, r.m.Config.MMTokensPerImage*r.m.Config.Hidden)
	// No warm-up run (one image takes tens of seconds on two cores): the
	// tower's weights are paged in first instead.
	touchVision(r.m.Vision)
	var samples []float64
	var cpu cpuShare
	resetPeakRSS()
	for range r.o.ImageReps {
		if err := r.step(fmt.Sprintf("image t=%d", th)); err != nil {
			return err
		}
		c := cpu.start()
		start := time.Now()
		if err := vs.Features(dst, pixels); err != nil {
			return err
		}
		samples = append(samples, time.Since(start).Seconds())
		cpu.stop(c)
	}
	w := imageWork(r.m)
	w.noPeak = vs.BF16() // bfloat16 on AMX: neither the int8 nor the FMA peak bounds it
	r.add(Record{Test: "image", Threads: th, PeakRSS: peakRSS(), CPUPct: cpu.pct(th)}, samples, 1, w)
	return nil
}

// cpuShare sums the process's CPU time and the wall time of the timed runs
// of a figure: CPU ÷ (wall × threads) is the share of its threads' time the
// process actually ran. The pool's workers spin between products, so an
// unhindered decode is near 100% and a prefill (which has serial parts where
// workers park) near 90%; well below that, other work held the cores.
type cpuShare struct{ cpu, wall float64 }

type cpuMark struct {
	cpu  float64
	wall time.Time
}

func (c *cpuShare) start() cpuMark { return cpuMark{processCPU(), time.Now()} }

func (c *cpuShare) stop(m cpuMark) {
	c.cpu += processCPU() - m.cpu
	c.wall += time.Since(m.wall).Seconds()
}

// pct is the share in percent, 0 where the CPU time is unknown.
func (c *cpuShare) pct(threads int) float64 {
	if c.wall <= 0 || c.cpu <= 0 {
		return 0
	}
	return 100 * c.cpu / (c.wall * float64(threads))
}
