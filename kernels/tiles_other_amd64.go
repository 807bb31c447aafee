//go:build !linux && !purego

package kernels

// requestTiles: only Linux is known to hand out the tile state (other
// systems run the avx512 tier).
func requestTiles() bool { return false }
