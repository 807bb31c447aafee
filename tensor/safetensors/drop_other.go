//go:build !unix

package safetensors

// Drop is a no-op where files are read into memory rather than mapped.
func (i Info) Drop() {}
