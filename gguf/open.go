package gguf

import (
	"fmt"

	"github.com/t5go/t5go/internal/mmap"
)

// Open maps the file at path read-only (on unix; elsewhere it reads it whole)
// and parses it. Close releases the mapping.
func Open(path string) (*File, error) {
	data, unmap, err := mmap.Map(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	f, err := Parse(data)
	if err != nil {
		if unmap != nil {
			unmap()
		}
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	f.unmap = unmap
	return f, nil
}
