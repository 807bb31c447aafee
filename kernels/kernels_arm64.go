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
