//go:build unix

package safetensors

import (
	"sync"
	"unsafe"

	"github.com/t5go/t5go/internal/mmap"
)

// mapped records the address ranges of live mappings, so Drop only ever
// advises pages of a file mapping, never heap memory a caller built an Info
// over (MADV_DONTNEED would zero those).
var mapped struct {
	sync.Mutex
	ranges map[uintptr]uintptr // start -> end
}

// mapFile maps path read-only and records the mapping for Drop.
func mapFile(path string) ([]byte, func() error, error) {
	data, unmap, err := mmap.Map(path)
	if err != nil || len(data) == 0 {
		return data, unmap, err
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
		return unmap()
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
