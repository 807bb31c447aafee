//go:build amd64 && !purego

package kernels

import (
	"fmt"

	"github.com/klauspost/cpuid/v2"
	"golang.org/x/sys/unix"
)

// amxUsable reports whether this CPU has AMX-INT8 and Linux lets this
// process use the tile registers: their 8 KiB of state is off until a
// process asks (arch_prctl ARCH_REQ_XCOMP_PERM for XTILEDATA, Linux 5.16+).
// Tile state does not survive a goroutine switch, but Go never preempts
// inside an assembly function and each kernel call configures, uses and
// releases the tiles itself.
func amxUsable() bool {
	if !cpuid.CPU.Supports(cpuid.AMXTILE, cpuid.AMXINT8) {
		return false
	}
	const archReqXcompPerm, xfeatureXtiledata = 0x1023, 18
	_, _, errno := unix.Syscall(unix.SYS_ARCH_PRCTL, archReqXcompPerm, xfeatureXtiledata, 0)
	return errno == 0
}

// amxConfig is gemmQ32x32AMX's tile configuration (LDTILECFG's 64 bytes:
// palette 1, then 16 little-endian bytes-per-row, then 16 row counts):
// tmm0-1 16 tokens × 32 bytes, tmm2-3 8 k-groups × 64 bytes, tmm4-7 16 × 16
// int32.
var amxConfig = func() (c [64]byte) {
	c[0] = 1
	for t, shape := range [8][2]int{{16, 32}, {16, 32}, {8, 64}, {8, 64}, {16, 64}, {16, 64}, {16, 64}, {16, 64}} {
		c[16+2*t] = byte(shape[1])
		c[48+t] = byte(shape[0])
	}
	return c
}()

// gemmQAAMX checks the bounds gemmQ32x32AMX trusts and runs it.
func gemmQAAMX(y []float32, ystride int, pw []byte, xq []int8, xstride int, xd []float32, xdstride, nb int, ct []int32) {
	if nb <= 0 {
		return
	}
	if ystride < gemmRows || len(y) < (amxToks-1)*ystride+gemmRows || len(pw) < nb*gemmPanel ||
		xstride < nb*qk || len(xq) < (amxToks-1)*xstride+nb*qk || xdstride < nb ||
		len(xd) < (amxToks-1)*xdstride+nb || len(ct) < 2048 {
		panic(fmt.Sprintf("kernels: gemmQ32x32AMX bounds: y %d/%d pw %d xq %d/%d xd %d/%d nb %d ct %d",
			len(y), ystride, len(pw), len(xq), xstride, len(xd), xdstride, nb, len(ct)))
	}
	gemmQ32x32AMX(y, ystride, pw, xq, xstride, xd, xdstride, nb, &amxConfig, ct)
}

// packQ32SAVX512 checks the bounds packQ32S's assembly twins trust.
func packQ32SAVX512(dst, w []byte, rb, nb int, q4 bool) {
	blk := 34
	if q4 {
		blk = 18
	}
	if len(dst) < nb*gemmPanel || rb < nb*blk || len(w) < (gemmRows-1)*rb+nb*blk {
		panic(fmt.Sprintf("kernels: packQ32S bounds: dst %d w %d rb %d nb %d", len(dst), len(w), rb, nb))
	}
	if q4 {
		packQ32Q4SAVX512(dst, w, rb, nb)
	} else {
		packQ32Q8SAVX512(dst, w, rb, nb)
	}
}
