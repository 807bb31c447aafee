package serve

import (
	"context"
	"errors"
	"sync"
)

// gate admits at most n requests at once and lets at most q more wait.
type gate struct {
	slots chan struct{} // one value per running request
	mu    sync.Mutex
	wait  int // requests waiting for a slot
	q     int
}

var errQueueFull = errors.New("serve: queue full")

func newGate(n, q int) *gate { return &gate{slots: make(chan struct{}, n), q: q} }

// enter takes a slot, waiting in the queue if there is room there. It fails
// with errQueueFull or ctx's error; on success, release frees the slot.
func (g *gate) enter(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g.mu.Lock()
	if g.wait == 0 { // nobody ahead: take a free slot at once
		select {
		case g.slots <- struct{}{}:
			g.mu.Unlock()
			return g.release, nil
		default:
		}
	}
	if g.wait >= g.q {
		g.mu.Unlock()
		return nil, errQueueFull
	}
	g.wait++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.wait--
		g.mu.Unlock()
	}()
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *gate) release() { <-g.slots }

// load reports the running and waiting requests.
func (g *gate) load() (running, waiting int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.slots), g.wait
}
