//go:build unix

package safetensors

import (
	"fmt"
	"math"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapped records the address ranges of live mappings, so Drop only ever
// advises pages of a file mapping, never heap memory a caller built an Info
// over (MADV_DONTNEED would zero those).
var mapped struct {
	sync.Mutex
	ranges map[uintptr]uintptr // start -> end
}

// mapFile maps path read-only. An empty file maps to an empty slice (mmap
// refuses length 0) so that Parse reports it as too short.
func mapFile(path string) ([]byte, func() error, error) {
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
	start := uintptr(unsafe.Pointer(&data[0]))
	mapped.Lock()
	if mapped.ranges == nil {
		mapped.ranges = map[uintptr]uintptr{}
	}
	mapped.ranges[start] = start + uintptr(len(data))
	mapped.Unlock()
	return data, func() error {
		mapped.Lock()
		delete(mapped.ranges, start)
		mapped.Unlock()
		return unix.Munmap(data)
	}, nil
}

// inMapping reports whether [lo, hi) lies inside one live file mapping.
func inMapping(lo, hi uintptr) bool {
	mapped.Lock()
	defer mapped.Unlock()
	for s, e := range mapped.ranges {
		if lo >= s && hi <= e {
			return true
		}
	}
	return false
}
