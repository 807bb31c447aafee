package serve

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/t5go/t5go"
)

// sessions holds the encoded documents of POST /v1/sessions. Each holds its
// encoder output and cross keys/values, so their number is bounded: a new
// one closes the least recently used idle session when the store is full,
// and a session idle for ttl is closed.
type sessions struct {
	max int
	ttl time.Duration // <= 0: never expire

	mu      sync.Mutex
	live    map[string]*entry
	pending int               // places reserved by sessions being encoded
	gone    map[string]string // why a recent id is no longer live
	order   []string          // gone's ids, oldest first
	closed  bool
}

// entry is one live session.
type entry struct {
	id      string
	s       *t5go.Session
	maxDec  int
	turn    chan struct{} // one question at a time; waiting honours the request's context
	refs    int           // requests using it; only idle sessions are evicted or expire
	last    time.Time     // when it was last released
	created time.Time
	timer   *time.Timer // expiry while idle
	dead    bool        // removed while in use: the last user closes it
}

// maxGone bounds the ids remembered to explain a 404.
const maxGone = 256

func newSessions(n int, ttl time.Duration) *sessions {
	return &sessions{max: n, ttl: ttl, live: map[string]*entry{}, gone: map[string]string{}}
}

// reserve makes room for one more session, closing the least recently used
// idle one if the store is full.
func (ss *sessions) reserve() *apiError {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return &apiError{status: http.StatusServiceUnavailable, typ: "server_error", msg: "the server is shutting down"}
	}
	if len(ss.live)+ss.pending >= ss.max {
		var lru *entry
		for _, e := range ss.live {
			if e.refs == 0 && (lru == nil || e.last.Before(lru.last)) {
				lru = e
			}
		}
		if lru == nil {
			return &apiError{status: http.StatusServiceUnavailable, typ: "server_error",
				msg: fmt.Sprintf("all %d sessions are in use (--max-sessions %d); retry later or delete one", ss.max, ss.max)}
		}
		ss.drop(lru, fmt.Sprintf("was closed to make room for a newer one (the server keeps at most %d sessions)", ss.max))
	}
	ss.pending++
	return nil
}

// unreserve gives back a place whose session was not made.
func (ss *sessions) unreserve() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.pending--
}

// add stores a session made on a reserved place.
func (ss *sessions) add(s *t5go.Session, maxDec int) (*entry, *apiError) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.pending--
	if ss.closed {
		s.Close()
		return nil, &apiError{status: http.StatusServiceUnavailable, typ: "server_error", msg: "the server is shutting down"}
	}
	now := time.Now()
	e := &entry{id: newID("sess-"), s: s, maxDec: maxDec, turn: make(chan struct{}, 1), last: now, created: now}
	ss.live[e.id] = e
	ss.idle(e)
	return e, nil
}

// get takes a reference to session id; put gives it back.
func (ss *sessions) get(id string) (*entry, *apiError) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e := ss.live[id]
	if e != nil && ss.expired(e, time.Now()) { // its timer has not run yet
		ss.drop(e, ss.expiredWhy())
		e = nil
	}
	if e == nil {
		return nil, ss.notFound(id)
	}
	e.refs++
	if e.timer != nil {
		e.timer.Stop()
	}
	return e, nil
}

func (ss *sessions) put(e *entry) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e.refs--
	e.last = time.Now()
	if e.refs > 0 {
		return
	}
	if e.dead {
		e.s.Close()
		return
	}
	ss.idle(e)
}

// remove deletes session id (DELETE /v1/sessions/{id}).
func (ss *sessions) remove(id string) *apiError {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e := ss.live[id]
	if e == nil {
		return ss.notFound(id)
	}
	ss.drop(e, "was deleted")
	return nil
}

// closeAll closes every session and refuses new ones (shutdown).
func (ss *sessions) closeAll() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closed = true
	for _, e := range ss.live {
		ss.drop(e, "was closed when the server shut down")
	}
}

// idle arms e's expiry; ss.mu is held.
func (ss *sessions) idle(e *entry) {
	if ss.ttl <= 0 {
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(ss.ttl, func() {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		if ss.live[e.id] == e && ss.expired(e, time.Now()) {
			ss.drop(e, ss.expiredWhy())
		}
	})
}

func (ss *sessions) expired(e *entry, now time.Time) bool {
	return ss.ttl > 0 && e.refs == 0 && now.Sub(e.last) >= ss.ttl
}

func (ss *sessions) expiredWhy() string {
	return fmt.Sprintf("expired after %v idle", ss.ttl)
}

// drop removes e from the live set, remembering why; an idle session is
// closed now, a busy one by its last user. ss.mu is held.
func (ss *sessions) drop(e *entry, why string) {
	delete(ss.live, e.id)
	if e.timer != nil {
		e.timer.Stop()
	}
	e.dead = true
	if e.refs == 0 {
		e.s.Close()
	}
	if len(ss.order) >= maxGone {
		delete(ss.gone, ss.order[0])
		ss.order = ss.order[1:]
	}
	ss.gone[e.id] = why
	ss.order = append(ss.order, e.id)
}

// notFound is the 404 for id, saying why when the id is a recent one.
func (ss *sessions) notFound(id string) *apiError {
	msg := fmt.Sprintf("no session %q (create one with POST /v1/sessions)", id)
	if why, ok := ss.gone[id]; ok {
		msg = fmt.Sprintf("session %q %s; create a new one with POST /v1/sessions", id, why)
	}
	return &apiError{status: http.StatusNotFound, typ: "not_found_error", param: "session", msg: msg}
}

// sessionInfo is a session as GET /v1/sessions lists it.
type sessionInfo struct {
	ID               string  `json:"id"`
	Object           string  `json:"object"`
	EncoderTokens    int     `json:"encoder_tokens"`
	MaxDecoderTokens int     `json:"max_decoder_tokens"`
	Created          int64   `json:"created"`
	IdleSeconds      float64 `json:"idle_seconds"` // 0 while in use
	InUse            bool    `json:"in_use"`
}

// list describes the live sessions, most recently used first.
func (ss *sessions) list() []sessionInfo {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := time.Now()
	out := make([]sessionInfo, 0, len(ss.live))
	for _, e := range ss.live {
		i := sessionInfo{ID: e.id, Object: "session", EncoderTokens: e.s.EncoderTokens(), MaxDecoderTokens: e.maxDec,
			Created: e.created.Unix(), InUse: e.refs > 0}
		if e.refs == 0 {
			i.IdleSeconds = now.Sub(e.last).Seconds()
		}
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b sessionInfo) int {
		switch {
		case a.IdleSeconds < b.IdleSeconds:
			return -1
		case a.IdleSeconds > b.IdleSeconds:
			return 1
		}
		return int(b.Created - a.Created)
	})
	return out
}

// count is the number of live sessions.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.live)
}
