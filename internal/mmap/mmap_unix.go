//go:build unix

// Package mmap maps files read-only for the file-format readers (GGUF,
// safetensors), falling back to reading the file where mmap is unavailable.
package mmap

import (
	"fmt"
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Map maps path read-only and returns its bytes and a function that unmaps
// them (nil when there is nothing to unmap). An empty file maps to an empty
// slice (mmap refuses length 0), so parsers report it as truncated.
func Map(path string) ([]byte, func() error, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if size == 0 {
		return []byte{}, nil, nil
	}
	if size > math.MaxInt {
		return nil, nil, fmt.Errorf("%d bytes do not fit the address space", size)
	}
	data, err := unix.Mmap(int(fd.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("mmap: %w", err)
	}
	adviseHuge(data)
	return data, func() error { return unix.Munmap(data) }, nil
}

// Release tells the kernel this process no longer needs the mapped pages
// wholly inside b (a slice of a Map result): they leave its resident set,
// stay in the page cache, and would be read again from there if touched.
// For weights a loader has copied elsewhere.
func Release(b []byte) {
	if len(b) == 0 {
		return
	}
	ps := uintptr(os.Getpagesize())
	addr := uintptr(unsafe.Pointer(&b[0]))
	lo, hi := (addr+ps-1)&^(ps-1), (addr+uintptr(len(b)))&^(ps-1)
	if lo < hi {
		_ = unix.Madvise(b[lo-addr:hi-addr], unix.MADV_DONTNEED)
	}
}
