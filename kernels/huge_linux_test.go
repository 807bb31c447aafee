package kernels

import "golang.org/x/sys/unix"

// hugeBytes returns n bytes of anonymous memory advised into 2 MiB pages
// (Go's heap leaves that to the system default, madvise-only here), or of
// heap memory if mapping fails.
func hugeBytes(n int) []byte {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n)
	}
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	return b
}
