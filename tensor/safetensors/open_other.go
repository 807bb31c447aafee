//go:build !unix

package safetensors

import "github.com/t5go/t5go/internal/mmap"

// mapFile reads the whole file where mmap is not available.
func mapFile(path string) ([]byte, func() error, error) { return mmap.Map(path) }
