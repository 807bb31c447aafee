//go:build amd64 && !purego

package kernels

func archTiers() []table { return nil }
