package kernels

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/t5go/t5go/tensor"
)

// Benchmarks report against this machine's limits (see the package README
// in the issue): DRAM read ≈15 GB/s on one core and 30 GB/s on two, AVX-512
// FMA ≈165 GFLOP/s and VNNI int8 ≈730 GOP/s per core.
//
// Matrix × vector runs over a rotation of weight copies larger than the
// last-level cache, so the bytes/s figure is DRAM bandwidth, not cache.

// arenaBytes is the size of the weight rotation; larger than the 300 MiB
// L3 the VM reports. The arena is in 2 MiB pages where the OS gives them,
// as the peers' read-bandwidth probe (membw) and the
// model's mapping (internal/mmap) have theirs.
const arenaBytes = 1 << 30

var arena []byte

// coldCopies returns copies of a rows×k matrix of type typ laid out one
// after another in a 1 GiB arena, with valid scales.
func coldCopies(typ tensor.Type, k, rows int) []tensor.Tensor {
	if arena == nil {
		arena = hugeBytes(arenaBytes)
		r := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 1<<20; i += 8 {
			binary.LittleEndian.PutUint64(arena[i:], r.Uint64())
		}
		for i := 1 << 20; i < len(arena); i *= 2 {
			copy(arena[i:], arena[:i])
		}
	}
	size := typ.RowBytes(k) * rows
	var ts []tensor.Tensor
	for off := 0; off+size <= len(arena); off += size {
		d := arena[off : off+size]
		for b := 0; b < len(d); b += typ.BlockBytes() {
			binary.LittleEndian.PutUint16(d[b:], F32ToF16(0.01)) // a sane scale
		}
		if typ.Interleaved() { // the scales lead each block of a panel
			pb := xRows * typ.BlockBytes()
			for b := 0; b+pb <= len(d); b += pb {
				for r := 0; r < xRows; r++ {
					binary.LittleEndian.PutUint16(d[b+2*r:], F32ToF16(0.01))
				}
			}
		}
		ts = append(ts, tensor.Tensor{Name: "w", Type: typ, Shape: []int{k, rows}, Data: d})
	}
	return ts
}

var matvecShapes = []struct {
	name    string
	k, rows int
}{
	{"lmhead_262144x640", 640, 262144},
	{"up_640to2048", 640, 2048},
	{"down_2048to640", 2048, 640},
	{"proj_640to1024", 640, 1024},
}

// BenchmarkMatVec streams cold weight copies through one matrix × vector
// product at a time and, interleaved with it, the read probe of
// BenchmarkReadBandwidth over as many bytes: on a machine whose bandwidth
// swings between minutes, only figures taken side by side can be divided.
// It reports the product's GB/s, the probe's (read-GB/s) and the ratio
// (%read).
func BenchmarkMatVec(b *testing.B) {
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32} {
		for _, sh := range matvecShapes {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%v/%s/threads=%d", Selected(), typ, sh.name, th), func(b *testing.B) {
					ws := coldCopies(typ, sh.k, sh.rows)
					w := NewWorkspace(NewPool(th))
					defer w.Pool.Close()
					x := randVec(rand.New(rand.NewPCG(2, 2)), sh.k)
					y := make([]float32, sh.rows)
					size := len(ws[0].Data)
					reps := max(1, pairBytes/size) // products per probe
					probe := newReadProbe()
					var tm, tr time.Duration
					for i := 0; b.Loop(); i++ {
						t0 := time.Now()
						for j := range reps {
							w.MatMul(y, x, 1, ws[(i*reps+j)%len(ws)])
						}
						t1 := time.Now()
						probe.read(w.Pool, reps*size)
						tm, tr = tm+t1.Sub(t0), tr+time.Since(t1)
					}
					bytes := float64(b.N*reps*size) / 1e9
					b.ReportMetric(bytes/tm.Seconds(), "GB/s")
					b.ReportMetric(bytes/tr.Seconds(), "read-GB/s")
					b.ReportMetric(100*tr.Seconds()/tm.Seconds(), "%read")
				})
			}
		}
	}
}

// pairBytes is about how much each side of BenchmarkMatVec's pairs reads:
// a few milliseconds, long enough to time, short enough to interleave.
const pairBytes = 16 << 20

// readProbe walks its own arena (so it never finds the products' weights
// in cache, nor they its bytes) with BenchmarkReadBandwidth's reads.
type readProbe struct {
	buf  []byte
	next int
}

var probeBuf []byte

// newReadProbe makes the probe's arena once per test binary, before any
// timing (its pages written, so not all the one zero page).
func newReadProbe() *readProbe {
	if probeBuf == nil {
		probeBuf = hugeBytes(probeArena)
		for i := range probeBuf {
			probeBuf[i] = byte(i)
		}
	}
	return &readProbe{buf: probeBuf}
}

func (r *readProbe) read(p *Pool, n int) {
	if r.next+n > len(r.buf) {
		r.next = 0
	}
	p.Run(n, 1<<16, &readTask{r.buf[r.next : r.next+n]})
	r.next += n
}

const probeArena = 512 << 20

// BenchmarkRowsQWarm times the row kernels on a cache-resident matrix: the
// kernels' compute speed, without DRAM.
func BenchmarkRowsQWarm(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, tb := range tiers() {
		for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
			c := newQCase(r, typ, 512, 20, 0)
			f := tb.rowsQ8
			if typ == tensor.Q4_0 {
				f = tb.rowsQ4
			}
			y := make([]float32, c.rows)
			b.Run(fmt.Sprintf("%s/%v/512x640", tb.name, typ), func(b *testing.B) {
				b.SetBytes(int64(c.rows * c.stride))
				for b.Loop() {
					f(y, c.w, c.stride, c.xq, c.xd, c.xs)
				}
			})
		}
		for _, typ := range []tensor.Type{tensor.Q8_0X32, tensor.Q4_0X32} {
			c := newXCase(r, typ, 512, 20, 0)
			f := tb.rowsQ4X
			if typ == tensor.Q8_0X32 {
				f = tb.rowsQ8X
			}
			y := make([]float32, c.rows)
			b.Run(fmt.Sprintf("%s/%v/512x640", tb.name, typ), func(b *testing.B) {
				b.SetBytes(int64(len(c.inter)))
				for b.Loop() {
					f(y, c.inter, c.a.qs, c.a.d, c.a.sum)
				}
			})
		}
	}
}

// BenchmarkMatMul: matrix × matrix with 512 tokens (encoder prefill). The
// GOP/s metric counts 2·n·k·rows; limits: VNNI ≈730 GOP/s, FMA ≈165
// GFLOP/s per core.
func BenchmarkMatMul(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 4))
	const n = 512
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0, tensor.F32, tensor.F16, tensor.BF16} {
		for _, sh := range matvecShapes[1:] {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%v/%s/n=%d/threads=%d", Selected(), typ, sh.name, n, th), func(b *testing.B) {
					w, _ := makeWeights(r, typ, sh.k, sh.rows)
					x := randVec(r, n*sh.k)
					y := make([]float32, n*sh.rows)
					ws := NewWorkspace(NewPool(th))
					defer ws.Pool.Close()
					ws.MatMul(y, x, n, w) // warm-up: scratch
					cpu0 := cpuTime()
					for b.Loop() {
						ws.MatMul(y, x, n, w)
					}
					reportRate(b, 2*n*float64(sh.k*sh.rows)/1e9, "GOP", th, cpu0)
				})
			}
		}
	}
}

// BenchmarkElementwise times the per-row ops on a 2048-wide FFN row and a
// 640-wide hidden row, and attention over 1024 keys with head dim 256.
func BenchmarkElementwise(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	x, w, y := randVec(r, 2048), randVec(r, 2048), make([]float32, 2048)
	b.Run("GeluTanhMul/2048", func(b *testing.B) {
		b.SetBytes(3 * 4 * 2048)
		for b.Loop() {
			GeluTanhMul(y, x, w)
		}
	})
	b.Run("RMSNorm/640", func(b *testing.B) {
		b.SetBytes(3 * 4 * 640)
		for b.Loop() {
			RMSNorm(y[:640], x[:640], w[:640], 1e-6)
		}
	})
	b.Run("LayerNorm/1152", func(b *testing.B) {
		b.SetBytes(4 * 4 * 1152)
		for b.Loop() {
			LayerNorm(y[:1152], x[:1152], w[:1152], x[1:1153], 1e-6)
		}
	})
	b.Run("Softmax/2048", func(b *testing.B) {
		b.SetBytes(4 * 2048)
		for b.Loop() {
			copy(y, x)
			Softmax(y)
		}
	})
	const d, keys = 256, 1024
	kv := []KV{{K: randVec(r, keys*d), V: randVec(r, keys*d), Stride: d, Spans: []Span{{0, keys}}}}
	q4 := randVec(r, 4*d)
	out := make([]float32, 4*d)
	b.Run("Attend/1024keys_d256", func(b *testing.B) {
		b.SetBytes(2 * 4 * keys * d)
		for b.Loop() {
			Attend(out[:d], q4[:d], 0.0625, kv)
		}
	})
	b.Run("AttendBlock/4heads_1024keys_d256", func(b *testing.B) {
		b.SetBytes(2 * 4 * keys * d)
		for b.Loop() {
			AttendBlock(out, q4, 4, 0.0625, kv)
		}
	})
}

// BenchmarkReadBandwidth is the ceiling the matrix × vector figures are
// compared with: ReadSum (membw's loop) streaming 64 MiB slices of the
// 1 GiB arena (so from DRAM), on one thread and on two.
func BenchmarkReadBandwidth(b *testing.B) {
	coldCopies(tensor.Q8_0, 32, 1) // make the arena
	const chunk = 64 << 20
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("%s/threads=%d", Selected(), th), func(b *testing.B) {
			p := NewPool(th)
			defer p.Close()
			b.SetBytes(chunk)
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				off := (i % (arenaBytes / chunk)) * chunk
				p.Run(chunk, 1<<18, &readTask{arena[off : off+chunk]})
			}
			reportRate(b, chunk/1e9, "GB", th, cpu0)
		})
	}
}

// readTask reads its bytes with ReadSum, a call through the dispatch table
// (so never optimized away).
type readTask struct{ p []byte }

func (r *readTask) Run(lo, hi int) { _ = ReadSum(r.p[lo:hi]) }
