//go:build unix

package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SIGTERM to `t5go serve` during a load of streams: every request running or
// queued at the signal, and every other that got its 200, receives its whole
// answer (equal to the answer alone) and [DONE]; requests sent after the
// signal are refused or served in full; the process then exits cleanly.
func TestSIGTERMDuringLoad(t *testing.T) {
	bin := t5goBinary(t)
	path := fixtureFile(t, "a_text_short")
	cmd := exec.Command(bin, "serve", "-m", path, "--port", "0", "--parallel", "2", "--queue", "64", "-t", "1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	if !lines.Scan() {
		t.Fatalf("t5go serve printed nothing: %v", cmd.Wait())
	}
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(lines.Text())
	if addr == "" {
		t.Fatalf("no address in %q", lines.Text())
	}
	var log strings.Builder
	logged := make(chan struct{})
	go func() {
		for lines.Scan() {
			log.WriteString(lines.Text() + "\n")
		}
		close(logged)
	}()

	const n, late, maxTokens = 48, 8, 64
	want := soloResults(t, addr, n+late, maxTokens)
	got := make([]streamResult, n+late)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i] = streamOnce(context.Background(), addr, loadRequest(i, maxTokens)) })
	}
	// The signal comes once most of the streams wait in the queue.
	for deadline := time.Now().Add(30 * time.Second); ; {
		var h struct{ Queued int }
		if _, body := get(t, addr+"/health"); json.Unmarshal([]byte(body), &h) == nil && h.Queued >= n/2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the queue never held half the streams")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := n; i < n+late; i++ { // these race the shutdown: served in full or refused
		wg.Go(func() { got[i] = streamOnce(context.Background(), addr, loadRequest(i, maxTokens)) })
	}
	wg.Wait()
	<-logged // stderr closes when the process exits
	if err := cmd.Wait(); err != nil {
		t.Errorf("t5go serve after SIGTERM: %v", err)
	}
	finished, refused := 0, 0
	for i, g := range got {
		switch {
		case g.status == http.StatusOK:
			w := want[i]
			if !g.done || g.err != nil || g.text != w.Choices[0].Text || g.tokens != w.Usage.CompletionTokens {
				t.Errorf("stream %d: done %v, %q (%d tokens, %v); alone %q (%d)", i, g.done, g.text, g.tokens, g.err,
					w.Choices[0].Text, w.Usage.CompletionTokens)
			}
			finished++
		case g.status == http.StatusServiceUnavailable || g.err != nil:
			refused++ // arrived after the signal
		default:
			t.Errorf("stream %d: status %d", i, g.status)
		}
	}
	m := regexp.MustCompile(`finishing (\d+) running and (\d+) queued`).FindStringSubmatch(log.String())
	if m == nil || !strings.Contains(log.String(), "stopped") {
		t.Fatalf("log:\n%s", log.String())
	}
	running, _ := strconv.Atoi(m[1])
	queued, _ := strconv.Atoi(m[2])
	if finished < running+queued {
		t.Errorf("%d running and %d queued at the signal, but only %d streams finished", running, queued, finished)
	}
	t.Logf("SIGTERM with %d running and %d queued: %d streams finished in full, %d refused", running, queued, finished, refused)
}
