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
	if err := r.figures(pool, th); err != nil {
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

func (r *runner) figures(pool *kernels.Pool, th int) error {
	st, err := r.m.NewState(r.o.limits(), pool)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(r.o.Seed, 7))
	for _, s := range r.o.Prefill {
		if err := r.prefill(st, rng, th, s); err != nil {
			return err
		}
	}
	for _, s := range r.o.Decode {
		if err := r.decode(st, rng, th, s); err != nil {
			return err
		}
	}
	if r.o.Image {
		err = r.image(pool, th)
	}
	// Hand the freed activations back to the OS, or the next thread
	// count's figures would show them in their peak RSS.
	debug.FreeOSMemory()
	return err
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

// prefill times Encode over s tokens: the encoder and the decoder's cross
// keys and values.
func (r *runner) prefill(st *t5gemma.State, rng *rand.Rand, th, s int) error {
	in := t5gemma.EncoderInput{B: 1, S: s, IDs: r.ids(rng, s)}
	var samples []float64
	resetPeakRSS()
	for i := range r.o.Reps + 1 {
		if err := r.step(fmt.Sprintf("prefill %d t=%d", s, th)); err != nil {
			return err
		}
		start := time.Now()
		if err := st.Encode(in); err != nil {
			return err
		}
		if i > 0 { // the first run warms up
			samples = append(samples, time.Since(start).Seconds())
		}
	}
	w := encodeWork(r.m, s)
	r.add(Record{Test: "prefill", NEnc: s, Threads: th}, samples, float64(s), w)
	return nil
}

// decode times NGen greedy decoder steps after an Encode of s tokens, and
// the time to the first token (Encode plus the first step). The argmax
// token is fed back but EOS does not stop it: random weights would end
// some runs early.
func (r *runner) decode(st *t5gemma.State, rng *rand.Rand, th, s int) error {
	in := t5gemma.EncoderInput{B: 1, S: s, IDs: r.ids(rng, s)}
	n := r.o.NGen
	var gen, first []float64
	resetPeakRSS()
	for i := range r.o.Reps + 1 {
		if err := r.step(fmt.Sprintf("decode %d+%d t=%d", s, n, th)); err != nil {
			return err
		}
		start := time.Now()
		if err := st.Encode(in); err != nil {
			return err
		}
		encoded := time.Now()
		tok := []int32{r.m.Config.DecoderStart}
		var firstAt time.Time
		for j := range n {
			logits, err := st.Decode(tok, 1, false)
			if err != nil {
				return err
			}
			tok[0] = int32(kernels.Argmax(logits))
			if j == 0 {
				firstAt = time.Now()
			}
		}
		if i > 0 {
			gen = append(gen, time.Since(encoded).Seconds())
			first = append(first, firstAt.Sub(start).Seconds())
		}
	}
	rss := peakRSS()
	r.add(Record{Test: "ttft", NEnc: s, NGen: 1, Threads: th, PeakRSS: rss}, first, 1,
		encodeWork(r.m, s).add(decodeWork(r.m, s, 0)))
	r.add(Record{Test: "decode", NEnc: s, NGen: n, Threads: th, PeakRSS: rss}, gen, float64(n),
		generateWork(r.m, s, n))
	return nil
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
	resetPeakRSS()
	for range r.o.ImageReps {
		if err := r.step(fmt.Sprintf("image t=%d", th)); err != nil {
			return err
		}
		start := time.Now()
		if err := vs.Features(dst, pixels); err != nil {
			return err
		}
		samples = append(samples, time.Since(start).Seconds())
	}
	r.add(Record{Test: "image", Threads: th}, samples, 1, imageWork(r.m))
	return nil
}
