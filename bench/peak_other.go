//go:build !amd64 || purego

package bench

// peakLoops: no instruction loops on this architecture or build; the probe
// times the kernels instead.
func peakLoops() (fma, int8 *peakLoop) { return nil, nil }
