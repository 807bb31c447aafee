//go:build arm64 && !purego

package kernels

import (
	"encoding/binary"
	"testing"

	"github.com/klauspost/cpuid/v2"
	"github.com/t5go/t5go/tensor"
)

// TestArmTiersFollowCPUID: sdot is offered exactly when cpuid reports
// ASIMDDP (a core without it faults on SDOT), and neon always.
func TestArmTiersFollowCPUID(t *testing.T) {
	names := tierNames()
	t.Logf("ASIMDDP %v, tiers %v", cpuid.CPU.Supports(cpuid.ASIMDDP), names)
	want := []string{"neon", "generic"}
	if cpuid.CPU.Supports(cpuid.ASIMDDP) {
		want = []string{"sdot", "neon", "generic"}
	}
	if len(names) != len(want) {
		t.Fatalf("tiers %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("tiers %v, want %v", names, want)
		}
	}
}

func TestChooseArmTier(t *testing.T) {
	for _, c := range []struct {
		want  string
		avail []table
		got   string
		warn  bool
	}{
		{"", []table{sdotTable, neonTable, genericTable}, "sdot", false},
		{"neon", []table{sdotTable, neonTable, genericTable}, "neon", false},
		{"sdot", []table{neonTable, genericTable}, "neon", true},
		{"generic", []table{sdotTable, neonTable, genericTable}, "generic", false},
		{"nenon", []table{neonTable, genericTable}, "neon", true},
	} {
		tb, warn := choose(c.want, c.avail)
		if tb.name != c.got || (warn != "") != c.warn {
			t.Errorf("choose(%q) = %s, warning %q; want %s, warning %v", c.want, tb.name, warn, c.got, c.warn)
		}
	}
}

// TestRowsQExtremes: the largest products (Q8_0 weight -128, activations
// ±127; Q4_0 nibbles 0 and 15) over enough blocks that the SDOT kernels'
// running int32 totals wrap (5000 blocks × 520192 > 2³¹), and a single
// block; every arm64 tier must equal generic bit for bit.
func TestRowsQExtremes(t *testing.T) {
	for _, c := range []struct {
		name   string
		typ    tensor.Type
		nb     int
		w, x   int8 // weight byte (Q4_0: the whole byte of two nibbles), activation
		xAlter bool // alternate the activation's sign per block
	}{
		{"q8 max", tensor.Q8_0, 5000, -128, -127, false},
		{"q8 max alternating", tensor.Q8_0, 300, -128, 127, true},
		{"q8 one block", tensor.Q8_0, 1, 127, -127, false},
		{"q4 nibbles 0", tensor.Q4_0, 5000, 0, 127, false},
		{"q4 nibbles 15", tensor.Q4_0, 5000, -1, -127, false},
		{"q4 mixed", tensor.Q4_0, 3, 0x0f, 127, true},
	} {
		rows, blk := 16, c.typ.BlockBytes()
		stride := c.nb * blk
		w := make([]byte, rows*stride)
		for r := 0; r < rows; r++ {
			for b := 0; b < c.nb; b++ {
				o := r*stride + b*blk
				binary.LittleEndian.PutUint16(w[o:], F32ToF16(float32(r+1)/64))
				for i := 2; i < blk; i++ {
					w[o+i] = byte(c.w)
				}
			}
		}
		xq := make([]int8, c.nb*qk)
		xd, xs := make([]float32, c.nb), make([]int32, c.nb)
		for b := range xd {
			v := c.x
			if c.xAlter && b%2 == 1 {
				v = -v
			}
			for i := 0; i < qk; i++ {
				xq[b*qk+i] = v
			}
			xd[b], xs[b] = 1.0/256, int32(v)*qk
		}
		gen := rowsQ8Generic
		if c.typ == tensor.Q4_0 {
			gen = rowsQ4Generic
		}
		want := make([]float32, rows)
		gen(want, w, stride, xq, xd, xs)
		for _, tb := range archOnly() {
			f := tb.rowsQ8
			if c.typ == tensor.Q4_0 {
				f = tb.rowsQ4
			}
			got := make([]float32, rows)
			f(got, w, stride, xq, xd, xs)
			for r := range want {
				if !sameBits(want[r], got[r]) {
					t.Fatalf("%s %s: y[%d] = %v, generic %v", tb.name, c.name, r, got[r], want[r])
				}
			}
		}
	}
}

// TestRowsQNoBlocks: zero blocks give zero rows (the assembly needs one).
func TestRowsQNoBlocks(t *testing.T) {
	for _, tb := range archOnly() {
		y := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
		tb.rowsQ8(y, nil, 0, nil, nil, nil)
		tb.rowsQ4(y[:8], nil, 0, nil, nil, nil)
		for i, v := range y {
			if v != 0 {
				t.Fatalf("%s: y[%d] = %v with no blocks", tb.name, i, v)
			}
		}
	}
}
