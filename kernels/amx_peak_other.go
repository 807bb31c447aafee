//go:build !amd64 || purego

package kernels

func amxPeak(n int) bool { return false }
