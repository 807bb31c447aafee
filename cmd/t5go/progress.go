package main

import (
	"fmt"
	"os"
	"strings"
)

// progress draws a one-line bar on stderr when stderr is a terminal, and
// nothing otherwise (logs and pipes stay clean).
type progress struct {
	label string
	tty   bool
	last  int
}

func newProgress(label string) *progress {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &progress{label: label, tty: tty, last: -1}
}

func (p *progress) update(done, total int64) {
	if !p.tty || total <= 0 {
		return
	}
	pct := int(done * 100 / total)
	if pct == p.last {
		return
	}
	p.last = pct
	const width = 40
	n := pct * width / 100
	fmt.Fprintf(os.Stderr, "\r%s [%s%s] %3d%%", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), pct)
}

func (p *progress) clear() {
	if p.tty && p.last >= 0 {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
}
