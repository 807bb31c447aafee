//go:build !unix

package bench

func maxRSS() int64 { return 0 }

func checkDisk(dir string, need int64) error { return nil }

func mapBytes(n int) ([]byte, func()) { return make([]byte, n), func() {} }

func processCPU() float64 { return 0 }
