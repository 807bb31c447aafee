// Command asm_gen writes t5go's amd64 kernels (../kernels/kernels_amd64.s)
// and their Go declarations with avo. It is its own module so that avo never
// enters the runtime's go.sum. Run `go generate` here after any change and
// commit the output; check.sh fails when the committed files are stale.
//
// Every TEXT here has a generic twin in ../kernels that is the
// specification; the comments say which one.
package main

//go:generate go run . -out ../kernels/kernels_amd64.s -stubs ../kernels/kernels_stub_amd64.go -pkg kernels

import (
	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	. "github.com/mmcloughlin/avo/operand"
)

func main() {
	ConstraintExpr("!purego")
	constants()
	dotKernels()
	readSumKernels()
	rowsQ8Kernels()
	rowsQ4Kernels()
	rowsQXKernels()
	rowsQXAVX2Kernels()
	packQXKernels()
	gemmQKernels()
	gemmBAMXKernel()
	amxPeakKernel()
	bf16Kernels()
	packBKernels()
	quantKernels()
	packKernels()
	gemmFKernels()
	packFKernels()
	rowsFKernels()
	elemKernels()
	expKernels()
	colSoftmaxKernels() // after expKernels: uses its constants
	softmaxPairs()      // the same
	layerNormKernels()
	argmaxKernels()
	Generate()
}

// Constant tables shared by the kernels.
var (
	iota32   Mem // int32 0..15
	perm3120 Mem // int32 {0,4,1,5,2,6,3,7}: puts the Q4 hadd tree's lanes back in row order
	q4order  Mem // int32 {0,2,4,6,1,3,5,7}: row held by each lane after the Q4 hadd tree
	q4gather Mem // int32 {0,4,8,12,1,5,9,13, 0...}: rows' sums after q4SumsZ's adds
)

func constants() {
	iota32 = GLOBL("iota32", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(i))
	}
	perm3120 = GLOBL("perm3120", RODATA|NOPTR)
	for i, v := range []uint32{0, 4, 1, 5, 2, 6, 3, 7} {
		DATA(4*i, U32(v))
	}
	q4gather = GLOBL("q4gather", RODATA|NOPTR)
	for i, v := range []uint32{0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0} {
		DATA(4*i, U32(v))
	}
	q4order = GLOBL("q4order", RODATA|NOPTR)
	for i, v := range []uint32{0, 2, 4, 6, 1, 3, 5, 7} {
		DATA(4*i, U32(v))
	}
}

// qwords declares a read-only table of 64-bit values (a VPERMT2Q index).
func qwords(name string, v ...uint64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i, x := range v {
		DATA(8*i, U64(x))
	}
	return m
}

// vpdpbusd emits VPDPBUSD (AVX512-VNNI), which avo's instruction table
// lacks: acc += Σ4 u8(u)·s8(s) per int32 lane. s may be memory; bcast
// broadcasts a 32-bit memory operand to every lane.
func vpdpbusd(s, u, acc Op, bcast bool) {
	i := &ir.Instruction{
		Opcode:   "VPDPBUSD",
		Operands: []Op{s, u, acc},
		Inputs:   []Op{s, u, acc},
		Outputs:  []Op{acc},
		ISA:      []string{"AVX512VNNI"},
	}
	if bcast {
		i.Suffixes = []string{"BCST"}
	}
	Instruction(i)
}
