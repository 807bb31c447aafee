//go:build amd64 && !purego

package kernels

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
	"github.com/t5go/t5go/tensor"
)

// TestRowsQ4VNNIWithoutVBMI covers the Q4_0 kernel of AVX-512 CPUs without
// VBMI, which the tiers here skip when the CPU has VBMI.
func TestRowsQ4VNNIWithoutVBMI(t *testing.T) {
	if !cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		t.Skip("no AVX-512 VNNI")
	}
	checkRowsQ(t, "avx512 (no vbmi)", tensor.Q4_0, avx512Table.rowsQ4)
}
