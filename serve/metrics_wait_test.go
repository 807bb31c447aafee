package serve

import (
	"strings"
	"testing"
	"time"
)

// waitMetrics scrapes /metrics until it holds every want or 5 s pass, and
// returns the last page and the wants it still lacks. A request is counted
// after its answer is written, so a client can read the answer a moment
// before the counter moves (the race detector widens that moment).
func waitMetrics(t *testing.T, base string, wants ...string) (string, []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get(t, base+"/metrics")
		var missing []string
		for _, w := range wants {
			if !strings.Contains(body, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return body, missing
		}
		time.Sleep(10 * time.Millisecond)
	}
}
