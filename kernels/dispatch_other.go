//go:build (!amd64 && !arm64) || purego

package kernels

func archTiers() []table { return nil }

func expSumArch(x []float32, m float32) (float32, bool) { return 0, false }
