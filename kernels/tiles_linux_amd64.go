//go:build !purego

package kernels

import "golang.org/x/sys/unix"

// requestTiles asks Linux for the AMX tile data state (arch_prctl
// ARCH_REQ_XCOMP_PERM for XTILEDATA) and reports whether it was granted.
func requestTiles() bool {
	const archReqXcompPerm, xfeatureXtiledata = 0x1023, 18
	_, _, errno := unix.Syscall(unix.SYS_ARCH_PRCTL, archReqXcompPerm, xfeatureXtiledata, 0)
	return errno == 0
}
