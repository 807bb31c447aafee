package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestGemmQATileBitExact runs each tier's AMX tile kernel (where the CPU has
// one) against gemmQAGeneric on strided operands, with guard values around
// the output rows and a running sum already in y.
func TestGemmQATileBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	ran := false
	for _, tb := range archOnly() {
		if tb.gemmQA == nil {
			continue
		}
		ran = true
		for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
			for _, nb := range []int{1, 2, 3, 20, 64} {
				w, _ := makeWeights(r, typ, nb*qk, gemmRows)
				rb := typ.RowBytes(nb * qk)
				pw := make([]byte, nb*gemmPanel)
				packQ32S(pw, w.Data, rb, nb, typ == tensor.Q4_0)
				xstride, xdstride, ystride := nb*qk+32*(nb%3), nb+nb%2, gemmRows+7
				xq := make([]int8, (amxToks-1)*xstride+nb*qk)
				for i := range xq {
					xq[i] = int8(r.IntN(255) - 127)
				}
				xd := randVec(r, (amxToks-1)*xdstride+nb)
				want := randVec(r, amxToks*ystride)
				got := append([]float32(nil), want...)
				gemmQAGeneric(want, ystride, pw, xq, xstride, xd, xdstride, nb, nil)
				tb.gemmQA(got, ystride, pw, xq, xstride, xd, xdstride, nb, make([]int32, 2048))
				for i := range want {
					if !sameBits(want[i], got[i]) {
						t.Fatalf("%s %v nb=%d: y[%d] (token %d row %d) = %v, generic %v",
							tb.name, typ, nb, i, i/ystride, i%ystride, got[i], want[i])
					}
				}
			}
		}
	}
	if !ran {
		t.Log("no tier with AMX on this CPU: only the generic AMX reference ran (through TestMatMulQBitExactAcrossTiers)")
	}
}

// BenchmarkGemmQATile times the AMX tile kernel alone on cache-resident
// operands: 32 tokens × 32 rows × nb blocks per call.
func BenchmarkGemmQATile(b *testing.B) {
	var kern gemmQAFunc
	for _, tb := range archOnly() {
		if tb.gemmQA != nil {
			kern = tb.gemmQA
			break
		}
	}
	if kern == nil {
		b.Skip("no AMX tier on this CPU")
	}
	r := rand.New(rand.NewPCG(43, 44))
	for _, nb := range []int{20, 64} {
		b.Run(fmt.Sprintf("nb=%d", nb), func(b *testing.B) {
			w, _ := makeWeights(r, tensor.Q8_0, nb*qk, gemmRows)
			pw := make([]byte, nb*gemmPanel)
			packQ32S(pw, w.Data, tensor.Q8_0.RowBytes(nb*qk), nb, false)
			xq := make([]int8, amxToks*nb*qk)
			xd := randVec(r, amxToks*nb)
			y, ct := make([]float32, amxToks*gemmRows), make([]int32, 2048)
			for b.Loop() {
				kern(y, gemmRows, pw, xq, nb*qk, xd, nb, nb, ct)
			}
			b.ReportMetric(float64(b.N)*2*amxToks*gemmRows*float64(nb*qk)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}
