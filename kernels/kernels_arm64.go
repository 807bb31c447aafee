//go:build arm64 && !purego

package kernels

// Declarations of the hand-written arm64 kernels (q8_arm64.s, q4_arm64.s).
// They trust their callers (rowsQArm) for bounds.

// rowsQ8NEON and the others below: rowsQFunc over len(y) rows, a multiple
// of 8, and len(xd) >= 1 blocks. The SDOT ones need ASIMDDP.
//
//go:noescape
func rowsQ8NEON(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ8SDOT(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ4NEON(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ4SDOT(y []float32, w []byte, wstride int, xq []int8, xd []float32, xs []int32)

// Panel kernels (x32_arm64.s): rowsQXFunc over len(y) rows, a multiple of
// 32, and len(xd) >= 1 blocks. The SDOT ones need ASIMDDP.
//
//go:noescape
func rowsQ8XSDOT(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ4XSDOT(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ8XNEON(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

//go:noescape
func rowsQ4XNEON(y []float32, w []byte, xq []int8, xd []float32, xs []int32)

// Float kernels (rowsf_arm64.s): rowsF32Func / rowsF16Func over len(y)
// rows, a multiple of 4, and the first len(x)&^15 elements of each row.
//
//go:noescape
func rowsF32NEON(y []float32, w []float32, x []float32)

//go:noescape
func rowsF16NEON(y []float32, w []uint16, x []float32)

//go:noescape
func rowsBF16NEON(y []float32, w []uint16, x []float32)

// Vector kernels (elem_arm64.s): lengths are nonzero multiples of the step,
// 32 for dotNEON, 64 bytes for readSumNEON and 16 for the others.
//
//go:noescape
func readSumNEON(p []byte) uint32

//go:noescape
func dotNEON(a, b []float32) float32

//go:noescape
func axpyNEON(y []float32, a float32, x []float32)

//go:noescape
func rmsApplyNEON(dst, x, w []float32, r float32)

//go:noescape
func sumNEON(x []float32) float32

//go:noescape
func sqDevNEON(x []float32, mean float32) float32

//go:noescape
func lnApplyNEON(dst, x, w, b []float32, mean, r float32)

// gemmF16x6NEON is gemmFFunc for 16 rows × 6 tokens (gemmf_arm64.s).
//
//go:noescape
func gemmF16x6NEON(y []float32, ystride int, pw []float32, px []float32, k int)

// Vector-exp kernels (exp_arm64.s): lengths are nonzero multiples of 8.
//
//go:noescape
func geluMulNEON(dst, gate, up []float32)

//go:noescape
func geluNEON(dst, x []float32)

//go:noescape
func expSumNEON(x []float32, m float32) float32

// quantQ8NEON is quantizeQ8 for len(d) >= 1 blocks (quant_arm64.s).
//
//go:noescape
func quantQ8NEON(qs []int8, d []float32, sum []int32, x []float32)
