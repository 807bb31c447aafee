package serve

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `t5go serve` with bad flags or a bad model fails with one clear line.
func TestServeCommandErrors(t *testing.T) {
	bin := t5goBinary(t)
	missing := filepath.Join(t.TempDir(), "missing.gguf")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--port", "8080"}, 2, "missing -m model file"},
		{[]string{"-m", "x.gguf", "--parallel", "0"}, 2, "--parallel 0: want at least 1"},
		{[]string{"-m", "x.gguf", "--port", "70000"}, 2, "--port 70000: want 0-65535"},
		{[]string{"-m", "x.gguf", "--timeout", "0s"}, 2, "--timeout 0"},
		{[]string{"-m", "x.gguf", "--max-body", "0"}, 2, "--max-body 0"},
		{[]string{"-m", "x.gguf", "--timeout", "soon"}, 2, "invalid value"},
		{[]string{"-m", "x.gguf", "--max-sessions", "-1"}, 2, "--max-sessions -1: want 0 (off) or more"},
		{[]string{"-m", "x.gguf", "--session-ttl", "0s"}, 2, "--session-ttl 0"},
		{[]string{"-m", missing, "--port", "0"}, 1, "missing.gguf"},
	} {
		out, err := exec.Command(bin, append([]string{"serve"}, tc.args...)...).CombinedOutput()
		var ee *exec.ExitError
		msg := strings.TrimSpace(string(out))
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("serve %v: %v, %q; want exit %d and one line containing %q", tc.args, err, msg, tc.code, tc.want)
		}
	}
}
