//go:build unix

package bench

import (
	"fmt"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxRSS is getrusage's peak resident size in bytes (Linux reports KiB,
// Darwin bytes).
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) << 10
}

// processCPU is the user and system CPU time the process has used, in
// seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// checkDisk refuses to write need bytes into dir when its file system has
// less free space.
func checkDisk(dir string, need int64) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return nil // unknown: let the write find out
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free < need {
		return fmt.Errorf("%s has %.2f GiB free but the model needs about %.2f GiB", dir, gib(free), gib(need))
	}
	return nil
}

// mapBytes returns n bytes of fresh anonymous memory and a function that
// unmaps them, so that the read probe's buffer leaves no trace in the peak
// RSS of the figures measured after it (Go's heap keeps freed pages).
func mapBytes(n int) ([]byte, func()) {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n), func() {}
	}
	return b, func() { unix.Munmap(b) }
}
