package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestArgmaxTiers: every tier's Argmax equals the one-scan specification
// on lengths around the vector steps, misaligned starts, ties, NaNs, ±0 and
// infinities anywhere (including the tails the assembly leaves to Go).
func TestArgmaxTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	specials := []float32{nan, inf, -inf, 0, float32(math.Copysign(0, -1)), 3, -3}
	check := func(x []float32, what string) {
		t.Helper()
		want := argmaxRef(x)
		for _, tb := range tiers() {
			var got int
			withTier(tb, func() { got = Argmax(x) })
			if got != want {
				t.Fatalf("%s %s len %d: Argmax = %d, want %d (%v vs %v)", tb.name, what, len(x), got, want, x[min(got, len(x)-1)], x[want])
			}
		}
	}
	check(nil, "empty")
	check([]float32{nan, 1, 2}, "NaN first")
	check([]float32{1, nan, 2, nan}, "NaNs")
	check([]float32{float32(math.Copysign(0, -1)), 0}, "signed zeros")
	for n := 1; n < 300; n++ {
		buf := make([]float32, n+3)
		x := buf[n%3 : n%3+n] // misaligned starts
		for i := range x {
			x[i] = float32(r.IntN(7)) // many ties
		}
		check(x, "ties")
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		check(x, "random")
		for range 3 {
			x[r.IntN(n)] = specials[r.IntN(len(specials))]
		}
		check(x, "specials")
		x[n-1] = 100 // the maximum in the tail
		check(x, "tail")
	}
	big := make([]float32, 262144)
	for i := range big {
		big[i] = float32(r.NormFloat64())
	}
	check(big, "vocabulary")
}

// FuzzArgmax: any float32 bit patterns; every tier agrees with argmaxRef.
func FuzzArgmax(f *testing.F) {
	f.Add([]byte{0, 0, 0xc0, 0x7f, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, raw []byte) {
		x := make([]float32, len(raw)/4)
		for i := range x {
			x[i] = math.Float32frombits(uint32(raw[4*i]) | uint32(raw[4*i+1])<<8 | uint32(raw[4*i+2])<<16 | uint32(raw[4*i+3])<<24)
		}
		want := argmaxRef(x)
		for _, tb := range tiers() {
			var got int
			withTier(tb, func() { got = Argmax(x) })
			if got != want {
				t.Fatalf("%s: Argmax = %d, want %d", tb.name, got, want)
			}
		}
	})
}

// BenchmarkArgmax: one sequence's logits (262,144 values, from L2/L3).
func BenchmarkArgmax(b *testing.B) {
	r := rand.New(rand.NewPCG(73, 74))
	x := make([]float32, 262144)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for _, tb := range tiers() {
		b.Run(tb.name, func(b *testing.B) {
			withTier(tb, func() {
				for b.Loop() {
					Argmax(x)
				}
			})
		})
	}
}

// TestMaxTiers: Max on every tier equals a scalar scan (NaNs passed over,
// == so that 0 and -0 agree), for many lengths, misaligned starts and
// starting values below, among and above the elements.
func TestMaxTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	nan := float32(math.NaN())
	for n := 0; n < 300; n++ {
		buf := make([]float32, n+3)
		x := buf[n%3 : n%3+n]
		for i := range x {
			x[i] = float32(r.NormFloat64())
			if r.IntN(9) == 0 {
				x[i] = nan
			}
		}
		for _, m := range []float32{float32(math.Inf(-1)), -1e30, 0.5, 100} {
			want := m
			for _, v := range x {
				if v > want {
					want = v
				}
			}
			for _, tb := range tiers() {
				var got float32
				withTier(tb, func() { got = Max(x, m) })
				if got != want {
					t.Fatalf("%s len %d m %v: Max = %v, want %v", tb.name, n, m, got, want)
				}
			}
		}
	}
}
