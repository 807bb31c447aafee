package kernels

import (
	"sync"
	"testing"
	"time"
)

// coverTask records how often each item was visited and the ranges seen.
type coverTask struct {
	mu     sync.Mutex
	seen   []int
	ranges [][2]int
}

func (c *coverTask) Run(lo, hi int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ranges = append(c.ranges, [2]int{lo, hi})
	for i := lo; i < hi; i++ {
		c.seen[i]++
	}
}

func TestPoolCoversEachItemOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		p := NewPool(threads)
		for _, tc := range []struct{ n, grain int }{{0, 1}, {1, 1}, {5, 1}, {5, 16}, {17, 16}, {100, 16}, {1000, 7}, {3, 0}} {
			c := &coverTask{seen: make([]int, tc.n)}
			p.Run(tc.n, tc.grain, c)
			for i, s := range c.seen {
				if s != 1 {
					t.Fatalf("threads %d n %d grain %d: item %d visited %d times", threads, tc.n, tc.grain, i, s)
				}
			}
			if len(c.ranges) > threads {
				t.Errorf("threads %d n %d: %d ranges", threads, tc.n, len(c.ranges))
			}
			g := max(tc.grain, 1)
			for _, r := range c.ranges {
				if r[0]%g != 0 {
					t.Errorf("threads %d n %d grain %d: range %v not on a grain boundary", threads, tc.n, tc.grain, r)
				}
			}
		}
		p.Close()
	}
}

// nestTask calls Run on the same pool from inside a task.
type nestTask struct {
	p     *Pool
	inner *coverTask
}

func (n nestTask) Run(lo, hi int) { n.p.Run(10, 1, n.inner) }

func TestPoolNestedRunDoesNotDeadlock(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	inner := &coverTask{seen: make([]int, 10)}
	p.Run(2, 1, nestTask{p, inner})
	for i, s := range inner.seen {
		if s != 2 {
			t.Fatalf("item %d visited %d times, want 2", i, s)
		}
	}
}

type nopTask struct{ sum []int }

func (n *nopTask) Run(lo, hi int) { n.sum[lo]++ }

func TestPoolRunAllocatesNothing(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	task := &nopTask{sum: make([]int, 64)}
	if a := testing.AllocsPerRun(100, func() { p.Run(64, 1, task) }); a != 0 {
		t.Errorf("Run allocates %v times", a)
	}
}

func TestPoolClosedRunsOnCaller(t *testing.T) {
	p := NewPool(3)
	p.Close()
	p.Close()
	c := &coverTask{seen: make([]int, 9)}
	p.Run(9, 1, c)
	if len(c.ranges) != 1 {
		t.Errorf("closed pool used %d ranges", len(c.ranges))
	}
}

// slowTask counts visits; the worker's range (lo > 0) sleeps first so the
// caller finishes early and has to park.
type slowTask struct{ seen []int }

func (s *slowTask) Run(lo, hi int) {
	if lo > 0 {
		time.Sleep(spinFor + 50*time.Microsecond)
	}
	for i := lo; i < hi; i++ {
		s.seen[i]++
	}
}

// TestPoolParkedHandoffs drives both parked paths many times: workers that
// parked between Runs must be woken, and a caller parked on a slow worker
// must be told when it finishes. A lost wake-up shows as a hang (CI once
// hung here under qemu); the recheck in Run recovers from one.
func TestPoolParkedHandoffs(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	task := &slowTask{seen: make([]int, 2)}
	const rounds = 200
	for i := range rounds {
		if i%2 == 0 {
			time.Sleep(spinFor + 50*time.Microsecond) // let the worker park
		}
		p.Run(2, 1, task)
	}
	if task.seen[0] != rounds || task.seen[1] != rounds {
		t.Fatalf("visits %v, want %d each", task.seen, rounds)
	}
}
