package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Task is work over a range of items; Run(lo, hi) handles items [lo, hi).
// Ranges given to concurrent calls never overlap.
type Task interface{ Run(lo, hi int) }

// Pool is a persistent set of worker goroutines that split a range of items
// between themselves and the calling goroutine. Run allocates nothing.
//
// One Run executes at a time: a Run issued while the pool is busy (from
// another goroutine, or from inside a Task) runs the whole range on its
// caller instead of waiting, so nesting never deadlocks.
//
// Hand-offs spin for up to spinFor before parking: waking a parked
// goroutine costs tens of microseconds on this VM, as long as a whole
// matrix × vector product on a layer's weights, and decoding issues these
// products back to back.
type Pool struct {
	threads int
	busy    sync.Mutex
	workers []*worker
	pending atomic.Int32 // worker ranges of the current Run not yet done
	waiting atomic.Bool  // the caller is parked on done
	done    chan struct{}
	recheck *time.Timer // bounds each park of the caller, see Run
	closed  bool
}

// spinFor is how long a worker (or the caller) polls before parking.
const spinFor = 200 * time.Microsecond

// recheckEvery bounds how long the parked caller of Run trusts a wake-up
// that may have been lost; it only matters when one is.
const recheckEvery = 2 * time.Millisecond

type worker struct {
	ready  atomic.Bool // job holds a range to run
	parked atomic.Bool // the worker sleeps on wake
	quit   atomic.Bool
	job    job
	wake   chan struct{}
}

type job struct {
	t      Task
	lo, hi int
}

// NewPool starts threads-1 workers (the caller of Run is the last thread).
// threads <= 0 means runtime.NumCPU().
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	p := &Pool{threads: threads, done: make(chan struct{}, 1), recheck: time.NewTimer(time.Hour)}
	p.recheck.Stop()
	for range threads - 1 {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		go p.loop(w)
	}
	return p
}

// loop runs posted ranges; between them it spins, then parks.
func (p *Pool) loop(w *worker) {
	for {
		if !spinUntil(w.ready.Load) {
			w.parked.Store(true)
			if !w.ready.Load() && !w.quit.Load() {
				<-w.wake
			}
			w.parked.Store(false)
			continue // a stale wake-up just spins again
		}
		if w.quit.Load() {
			return
		}
		j := w.job
		w.ready.Store(false)
		j.t.Run(j.lo, j.hi)
		if p.pending.Add(-1) == 0 && p.waiting.Load() {
			select {
			case p.done <- struct{}{}:
			default:
			}
		}
	}
}

// spinUntil polls cond for up to spinFor and reports whether it held.
func spinUntil(cond func() bool) bool {
	var start time.Time
	for i := 0; ; i++ {
		if cond() {
			return true
		}
		if i&63 == 63 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				return false
			}
			runtime.Gosched()
		}
	}
}

// Threads is the number of goroutines Run uses, the caller included.
func (p *Pool) Threads() int { return p.threads }

// Run splits [0, n) into at most Threads() contiguous ranges whose bounds are
// multiples of grain (so each range but the last holds a multiple of grain
// items, at least grain), runs t on each, and returns when all are done.
func (p *Pool) Run(n, grain int, t Task) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	chunks := (n + grain - 1) / grain
	parts := min(p.threads, chunks)
	if parts <= 1 || !p.busy.TryLock() {
		t.Run(0, n)
		return
	}
	defer p.busy.Unlock()
	if p.closed {
		t.Run(0, n)
		return
	}
	// Part i gets chunks [i*chunks/parts, (i+1)*chunks/parts).
	bound := func(i int) int { return min(n, i*chunks/parts*grain) }
	p.pending.Store(int32(parts - 1))
	for i := 1; i < parts; i++ {
		w := p.workers[i-1]
		w.job = job{t, bound(i), bound(i + 1)}
		w.ready.Store(true)
		if w.parked.Load() {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
	t.Run(0, bound(1))
	if !spinUntil(func() bool { return p.pending.Load() == 0 }) {
		// The parks pair a flag store with a load of the other side's flag
		// (Dekker style). Go's atomics make that sound, but qemu-user on an
		// x86 host lets a store pass a later load, and a lost wake-up hung
		// CI. So the caller never parks for long: every recheckEvery it
		// looks again, and re-wakes any worker that has not taken its range.
		p.waiting.Store(true)
		for p.pending.Load() != 0 {
			p.recheck.Reset(recheckEvery)
			select {
			case <-p.done:
			case <-p.recheck.C:
				for _, w := range p.workers[:parts-1] {
					if w.ready.Load() {
						select {
						case w.wake <- struct{}{}:
						default:
						}
					}
				}
			}
			p.recheck.Stop()
		}
		p.waiting.Store(false)
		select { // drop a wake-up that raced with the last check
		case <-p.done:
		default:
		}
	}
}

// Close stops the workers; later Runs execute on the caller alone.
func (p *Pool) Close() {
	p.busy.Lock()
	defer p.busy.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, w := range p.workers {
		w.quit.Store(true)
		w.ready.Store(true)
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}
