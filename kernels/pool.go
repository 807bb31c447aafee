package kernels

import (
	"runtime"
	"sync"
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
type Pool struct {
	threads int
	busy    sync.Mutex
	jobs    []chan job
	wg      sync.WaitGroup
	closed  bool
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
	p := &Pool{threads: threads, jobs: make([]chan job, threads-1)}
	for i := range p.jobs {
		c := make(chan job, 1)
		p.jobs[i] = c
		go p.worker(c)
	}
	return p
}

func (p *Pool) worker(c chan job) {
	for j := range c {
		j.t.Run(j.lo, j.hi)
		p.wg.Done()
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
	p.wg.Add(parts - 1)
	for i := 1; i < parts; i++ {
		p.jobs[i-1] <- job{t, bound(i), bound(i + 1)}
	}
	t.Run(0, bound(1))
	p.wg.Wait()
}

// Close stops the workers; later Runs execute on the caller alone.
func (p *Pool) Close() {
	p.busy.Lock()
	defer p.busy.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, c := range p.jobs {
		close(c)
	}
}
