//go:build !unix

// Package mmap maps files read-only for the file-format readers (GGUF,
// safetensors), falling back to reading the file where mmap is unavailable.
package mmap

import "os"

// Map reads the whole file where mmap is not available.
func Map(path string) ([]byte, func() error, error) {
	data, err := os.ReadFile(path)
	return data, nil, err
}

// Release is a no-op where the file was read, not mapped.
func Release([]byte) {}
