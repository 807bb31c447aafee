//go:build !unix

package bench

func maxRSS() int64 { return 0 }

func checkDisk(dir string, need int64) error { return nil }

func mapFloats(n int) ([]float32, func()) { return make([]float32, n), func() {} }

func processCPU() float64 { return 0 }
