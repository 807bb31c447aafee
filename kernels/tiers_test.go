package kernels

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// TestExpectedTier fails when T5GO_EXPECT_KERNELS names a tier that was not
// selected, so CI notices a machine or build that silently fell back.
func TestExpectedTier(t *testing.T) {
	want := os.Getenv("T5GO_EXPECT_KERNELS")
	t.Logf("selected %s (%s); available %v", Selected(), Features(), tierNames())
	if want != "" && Selected() != want {
		t.Fatalf("T5GO_EXPECT_KERNELS=%s but the selected tier is %s", want, Selected())
	}
}

func tierNames() []string {
	var s []string
	for _, tb := range tiers() {
		s = append(s, tb.name)
	}
	return s
}

// archOnly is every tier but generic: the variants to compare with generic.
func archOnly() []table { ts := tiers(); return ts[:len(ts)-1] }

func TestChooseTier(t *testing.T) {
	a2 := table{name: "avx2"}
	for _, c := range []struct {
		want  string
		avail []table
		got   string
		warn  bool
	}{
		{"", []table{avx512Like, a2, genericTable}, "avx512", false},
		{"avx2", []table{avx512Like, a2, genericTable}, "avx2", false},
		{"generic", []table{avx512Like, a2, genericTable}, "generic", false},
		{"avx512", []table{a2, genericTable}, "avx2", true},
		{"avx512", []table{genericTable}, "generic", true},
		{"sse9", []table{a2, genericTable}, "avx2", true},
	} {
		tb, warn := choose(c.want, c.avail)
		if tb.name != c.got || (warn != "") != c.warn {
			t.Errorf("choose(%q) = %s, warning %q; want %s, warning %v", c.want, tb.name, warn, c.got, c.warn)
		}
	}
}

var avx512Like = table{name: "avx512"}

// qCase builds random quantized rows (ggml layout) and activations, with the
// weights starting off at byte offset off of their buffer.
type qCase struct {
	w          []byte
	stride     int
	xq         []int8
	xd         []float32
	xs         []int32
	rows, nb   int
	typ        tensor.Type
	off, xoffs int
}

func newQCase(r *rand.Rand, typ tensor.Type, rows, nb, off int) qCase {
	k := nb * qk
	wt, _ := makeWeights(r, typ, k, rows)
	buf := make([]byte, off+len(wt.Data))
	copy(buf[off:], wt.Data)
	xo := r.IntN(4)
	var a q8Acts
	a.quantize(randVec(r, k), 1, k)
	xq := make([]int8, xo+k)
	copy(xq[xo:], a.qs)
	return qCase{w: buf[off:], stride: typ.RowBytes(k), xq: xq[xo:], xd: a.d, xs: a.sum, rows: rows, nb: nb, typ: typ}
}

// run applies a row kernel with guard values around y.
func (c qCase) run(f rowsQFunc) []float32 {
	const g = 3
	y := make([]float32, c.rows+2*g)
	for i := range y {
		y[i] = float32(math.NaN())
	}
	for i := g; i < g+c.rows; i++ {
		y[i] = -999
	}
	f(y[g:g+c.rows], c.w, c.stride, c.xq, c.xd, c.xs)
	for i := 0; i < g; i++ {
		if !math.IsNaN(float64(y[i])) || !math.IsNaN(float64(y[len(y)-1-i])) {
			panic("kernel wrote outside y")
		}
	}
	return y[g : g+c.rows]
}

func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

func TestRowsQBitExactWithGeneric(t *testing.T) {
	for _, tb := range archOnly() {
		checkRowsQ(t, tb.name, tensor.Q8_0, tb.rowsQ8)
		checkRowsQ(t, tb.name, tensor.Q4_0, tb.rowsQ4)
	}
}

// checkRowsQ compares a row kernel with generic on every block count up to
// 70 and a few long rows, at 1-31 rows and misaligned starts.
func checkRowsQ(t *testing.T, name string, typ tensor.Type, f rowsQFunc) {
	t.Helper()
	r := rand.New(rand.NewPCG(21, 22))
	var nbs []int
	for nb := 1; nb <= 70; nb++ {
		nbs = append(nbs, nb)
	}
	nbs = append(nbs, 97, 128, 200, 257, 320)
	gen := rowsQ8Generic
	if typ == tensor.Q4_0 {
		gen = rowsQ4Generic
	}
	for i, nb := range nbs {
		rows := []int{1, 7, 8, 9, 16, 17, 31}[i%7]
		c := newQCase(r, typ, rows, nb, i%5)
		want, got := c.run(gen), c.run(f)
		for j := range want {
			if !sameBits(want[j], got[j]) {
				t.Fatalf("%s %v rows=%d nb=%d off=%d: y[%d] = %v, generic %v", name, typ, rows, nb, i%5, j, got[j], want[j])
			}
		}
	}
}

func TestDotWithinBound(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, tb := range tiers() {
		for n := 0; n < 300; n += 1 + n/16 {
			for off := 0; off < 3; off++ {
				a, b := randVec(r, n+off)[off:], randVec(r, n+3)[3:]
				var want, mag float64
				for i := range a {
					want += float64(a[i]) * float64(b[i])
					mag += math.Abs(float64(a[i]) * float64(b[i]))
				}
				// float32 sums of n terms in any order: |err| <= n·2⁻²⁴·Σ|ab|.
				if d := math.Abs(float64(tb.dot(a, b)) - want); d > float64(n)*6e-8*mag {
					t.Fatalf("%s dot n=%d off=%d: off by %g (Σ|ab| %g)", tb.name, n, off, d, mag)
				}
			}
		}
	}
}

// withTier runs f with tb as the selected table.
func withTier(tb table, f func()) {
	old := impl
	impl = tb
	defer func() { impl = old }()
	f()
}

// TestMatMulQBitExactAcrossTiers covers the packed tile path (n >= 6
// tokens, rows >= 32; X32 panels from 2 tokens) and its row and token
// remainders (last tiles of 1-5 tokens: the 2- and 4-token kernels).
func TestMatMulQBitExactAcrossTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0, tensor.Q8_0X32, tensor.Q4_0X32} {
		for _, sh := range []struct{ n, k, rows int }{{6, 32, 32}, {7, 64, 33}, {13, 640, 69}, {20, 96, 96}, {1, 64, 40}, {12, 2048, 64},
			{33, 96, 64}, {47, 640, 70}, {8, 640, 64}, {10, 96, 40}, {16, 2048, 32}, {2, 64, 32},
			{3, 640, 64}, {4, 2048, 96}, {5, 96, 70}} {
			w, _ := makeWeights(r, typ, sh.k, sh.rows)
			x := randVec(r, sh.n*sh.k)
			want := make([]float32, sh.n*sh.rows)
			withTier(genericTable, func() { NewWorkspace(NewPool(1)).MatMul(want, x, sh.n, w) })
			for _, tb := range archOnly() {
				for _, th := range []int{1, 2} {
					got := make([]float32, sh.n*sh.rows+2)
					got[len(got)-1], got[len(got)-2] = 5, 5
					ws := NewWorkspace(NewPool(th))
					withTier(tb, func() { ws.MatMul(got, x, sh.n, w) })
					ws.Pool.Close()
					for i := range want {
						if !sameBits(want[i], got[i]) {
							t.Fatalf("%s %v %+v threads=%d: y[%d] = %v, generic %v", tb.name, typ, sh, th, i, got[i], want[i])
						}
					}
					if got[len(got)-1] != 5 || got[len(got)-2] != 5 {
						t.Fatalf("%s %v %+v: wrote past y", tb.name, typ, sh)
					}
				}
			}
		}
	}
}

func TestQuantizeBitExactWithGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for _, tb := range archOnly() {
		for nb := 0; nb < 100; nb++ {
			x := randVec(r, nb*qk+1)[1:] // misaligned start
			if nb > 2 {
				clear(x[qk : 2*qk])          // an all-zero block
				x[2*qk] = 3e6                // a block whose scale overflows fp16
				x[2*qk+1] = 1e-38            // subnormal neighbours
				x[len(x)-1] = 6e-8 * 127 / 2 // a block near the fp16 subnormal range
			}
			run := func(f func(qs []int8, d []float32, sum []int32, x []float32)) ([]int8, []float32, []int32) {
				qs, d, s := make([]int8, nb*qk), make([]float32, nb), make([]int32, nb)
				f(qs, d, s, x)
				return qs, d, s
			}
			q1, d1, s1 := run(quantizeQ8)
			q2, d2, s2 := run(tb.quant)
			for i := range q1 {
				if q1[i] != q2[i] {
					t.Fatalf("%s nb=%d: q[%d] = %d, generic %d (x %v)", tb.name, nb, i, q2[i], q1[i], x[i])
				}
			}
			for b := range d1 {
				if !sameBits(d1[b], d2[b]) || s1[b] != s2[b] {
					t.Fatalf("%s nb=%d block %d: d %v sum %d, generic %v %d", tb.name, nb, b, d2[b], s2[b], d1[b], s1[b])
				}
			}
		}
	}
}

func TestPackQ32MatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	for _, tb := range archOnly() {
		for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
			for _, nb := range []int{1, 2, 7, 20, 64} {
				w, _ := makeWeights(r, typ, nb*qk, gemmRows)
				rb := typ.RowBytes(nb * qk)
				want, got := make([]byte, nb*gemmPanel), make([]byte, nb*gemmPanel+3)
				packQ32(want, w.Data, rb, nb, typ == tensor.Q4_0)
				tb.packQ(got, w.Data, rb, nb, typ == tensor.Q4_0)
				for i := range want {
					if want[i] != got[i] {
						t.Fatalf("%s %v nb=%d: byte %d = %#x, generic %#x", tb.name, typ, nb, i, got[i], want[i])
					}
				}
				if got[len(got)-1]|got[len(got)-2]|got[len(got)-3] != 0 {
					t.Fatalf("%s %v nb=%d: wrote past the panel", tb.name, typ, nb)
				}
			}
		}
	}
}
