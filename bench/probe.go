package bench

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/klauspost/cpuid/v2"
	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/tensor"
)

// Peaks are the machine's ceilings at one thread count, measured by the
// probes: what rooflines are computed against.
type Peaks struct {
	Threads int     `json:"threads"`
	ReadBW  float64 `json:"read_bytes_per_s"` // streaming read of a buffer larger than the last-level cache
	Int8    float64 `json:"int8_ops_per_s"`   // int8 multiply-adds ×2
	FMA     float64 `json:"fma_flops_per_s"`  // f32 fused multiply-adds ×2
	Int8How string  `json:"int8_probe"`       // what was timed
	FMAHow  string  `json:"fma_probe"`
}

// max keeps the larger of each figure.
func (p Peaks) max(o Peaks) Peaks {
	p.ReadBW, p.Int8, p.FMA = max(p.ReadBW, o.ReadBW), max(p.Int8, o.Int8), max(p.FMA, o.FMA)
	return p
}

// peakLoop is an instruction loop of peak_amd64.s.
type peakLoop struct {
	name string
	run  func(n int)
	ops  float64 // per iteration
}

// probeSize is the read probe's buffer: four times the last-level cache,
// at least 256 MiB and at most 1 GiB.
func probeSize() int64 {
	l3 := int64(cpuid.CPU.Cache.L3)
	return min(max(4*l3, 256<<20), 1<<30)
}

const probeBytes = 1 << 30 // the most probeSize returns, for the memory estimate

// probe measures the peaks on pool's threads: the read bandwidth over a
// buffer of size bytes, and compute rates, each the best of three runs of
// about dur.
func probe(pool *kernels.Pool, size int64, dur time.Duration) Peaks {
	buf, free := newProbeBuffer(size)
	p := Peaks{Threads: pool.Threads(), ReadBW: readBandwidth(pool, buf)}
	free()
	fma, i8 := peakLoops()
	if fma != nil {
		p.FMA, p.FMAHow = loopRate(fma, p.Threads, dur), fma.name
		p.Int8, p.Int8How = loopRate(i8, p.Threads, dur), i8.name
		return p
	}
	p.FMA, p.Int8 = kernelRate(pool, tensor.F32, dur), kernelRate(pool, tensor.Q8_0, dur)
	p.FMAHow, p.Int8How = "f32 MatMul in cache ("+kernels.Selected()+" kernels)", "Q8_0 MatMul in cache ("+kernels.Selected()+" kernels)"
	return p
}

// newProbeBuffer maps and writes the read probe's buffer (untouched pages
// would all map the one zero page and read from cache); free unmaps it.
func newProbeBuffer(size int64) (buf []byte, free func()) {
	buf, free = mapBytes(int(size))
	for i := range buf {
		buf[i] = byte(i)
	}
	return buf, free
}

type readTask struct{ p []byte }

func (r *readTask) Run(lo, hi int) { _ = kernels.ReadSum(r.p[lo:hi]) }

// readBandwidth is the best of five passes of kernels.ReadSum (the loop of
// the peers' membw probe) over buf, split over the pool's threads, in
// bytes/s.
func readBandwidth(pool *kernels.Pool, buf []byte) float64 {
	t := &readTask{p: buf}
	best := 0.0
	for range 5 {
		start := time.Now()
		pool.Run(len(buf), 1<<18, t)
		best = max(best, float64(len(buf))/time.Since(start).Seconds())
	}
	return best
}

// loopRate runs l on threads goroutines at once for about dur, three
// times, and returns the best total rate in ops/s.
func loopRate(l *peakLoop, threads int, dur time.Duration) float64 {
	n := 1 << 10
	for { // calibrate on one thread: n iterations in at least dur/5
		start := time.Now()
		l.run(n)
		if d := time.Since(start); d > dur/5 {
			n = int(float64(n) * dur.Seconds() / d.Seconds())
			break
		}
		n *= 4
	}
	best := 0.0
	for range 3 {
		var wg sync.WaitGroup
		start := time.Now()
		for range threads {
			wg.Go(func() { l.run(n) })
		}
		wg.Wait()
		best = max(best, float64(threads)*float64(n)*l.ops/time.Since(start).Seconds())
	}
	return best
}

// kernelRate times the kernels' matrix product on a cache-resident
// 640→2048 matrix of type typ and 96 tokens (best of three runs of about
// dur), in ops/s: the fallback where no instruction loop is known.
func kernelRate(pool *kernels.Pool, typ tensor.Type, dur time.Duration) float64 {
	const k, rows, n = 640, 2048, 96
	r := rand.New(rand.NewPCG(1, 2))
	f := make([]float32, k*rows)
	for i := range f {
		f[i] = float32(r.NormFloat64())
	}
	data := make([]byte, typ.RowBytes(k)*rows)
	if err := quant.Quantize(typ, data, f); err != nil {
		return math.NaN()
	}
	w := tensor.Tensor{Name: "probe", Type: typ, Shape: []int{k, rows}, Data: data}
	x, y := f[:n*k], make([]float32, n*rows)
	ws := kernels.NewWorkspace(pool)
	ws.MatMul(y, x, n, w) // scratch
	best := 0.0
	for range 3 {
		calls := 0
		start := time.Now()
		for time.Since(start) < dur {
			ws.MatMul(y, x, n, w)
			calls++
		}
		best = max(best, 2*float64(k*rows*n*calls)/time.Since(start).Seconds())
	}
	return best
}
