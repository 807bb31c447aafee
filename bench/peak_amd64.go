//go:build !purego

package bench

import "github.com/t5go/t5go/kernels"

// The loops of peak_amd64.s; n iterations each.

//go:noescape
func fmaZMM(n int)

//go:noescape
func vnniZMM(n int)

//go:noescape
func fmaYMM(n int)

//go:noescape
func maddubsYMM(n int)

// peakLoops returns the instruction loops the selected kernel tier relies
// on, with the operations one iteration does (a multiply-add counts 2). nil
// where the tier has none (generic): the probe then times the kernels.
func peakLoops() (fma, int8 *peakLoop) {
	switch kernels.ISA() {
	case "avx512":
		return &peakLoop{"VFMADD231PS zmm", fmaZMM, 12 * 16 * 2}, &peakLoop{"VPDPBUSD zmm", vnniZMM, 12 * 64 * 2}
	case "avx2":
		return &peakLoop{"VFMADD231PS ymm", fmaYMM, 12 * 8 * 2}, &peakLoop{"VPMADDUBSW+VPMADDWD ymm", maddubsYMM, 6 * 32 * 2}
	}
	return nil, nil
}
