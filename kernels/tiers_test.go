package kernels

import (
	"fmt"
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
	r := rand.New(rand.NewPCG(21, 22))
	var nbs []int
	for nb := 1; nb <= 70; nb++ {
		nbs = append(nbs, nb)
	}
	nbs = append(nbs, 97, 128, 200, 257, 320)
	for _, tb := range archOnly() {
		for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
			gen, f := rowsQ8Generic, tb.rowsQ8
			if typ == tensor.Q4_0 {
				gen, f = rowsQ4Generic, tb.rowsQ4
			}
			for i, nb := range nbs {
				rows := []int{1, 7, 8, 9, 16, 17, 31}[i%7]
				c := newQCase(r, typ, rows, nb, i%5)
				want, got := c.run(gen), c.run(f)
				for j := range want {
					if !sameBits(want[j], got[j]) {
						t.Fatalf("%s %v rows=%d nb=%d off=%d: y[%d] = %v, generic %v", tb.name, typ, rows, nb, i%5, j, got[j], want[j])
					}
				}
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
// tokens, rows >= 32) and its row and token remainders.
func TestMatMulQBitExactAcrossTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
		for _, sh := range []struct{ n, k, rows int }{{6, 32, 32}, {7, 64, 33}, {13, 640, 69}, {20, 96, 96}, {1, 64, 40}, {12, 2048, 64}} {
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

// TestMatMulFloatTiersWithinBound runs the float tile path of every tier
// (n >= 4 tokens) against the float64 reference: float32 sums of k
// products differ from it by at most k·2⁻²⁴·Σ|products| (we allow ~k·6e-8).
func TestMatMulFloatTiersWithinBound(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, tb := range tiers() {
		for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16} {
			for _, sh := range []struct{ n, k, rows int }{{4, 1, 16}, {5, 7, 33}, {13, 64, 70}, {24, 300, 32}, {12, 640, 64}} {
				w, deq := makeWeights(r, typ, sh.k, sh.rows)
				x := randVec(r, sh.n*sh.k)
				want, mag := refMatMul(x, sh.n, sh.k, sh.rows, typ, deq)
				for _, th := range []int{1, 2} {
					got := make([]float32, sh.n*sh.rows+1)
					got[len(got)-1] = 7
					ws := NewWorkspace(NewPool(th))
					withTier(tb, func() { ws.MatMul(got, x, sh.n, w) })
					ws.Pool.Close()
					checkClose(t, fmt.Sprintf("%s %v %+v threads=%d", tb.name, typ, sh, th), got, want, mag, float64(sh.k)*6e-8+1e-6)
					if got[len(got)-1] != 7 {
						t.Fatalf("%s %v %+v: wrote past y", tb.name, typ, sh)
					}
				}
			}
		}
	}
}

func TestPackFMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for _, tb := range archOnly() {
		R := tb.gemmFRows
		for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16} {
			for _, k := range []int{1, 2, 3, 17, 640} {
				w, _ := makeWeights(r, typ, k, R)
				rb := typ.RowBytes(k)
				want, got := make([]float32, k*R), make([]float32, k*R+1)
				packFGeneric(want, w.Data, rb, k, typ, R)
				tb.packF(got, w.Data[:len(w.Data):len(w.Data)], rb, k, typ)
				for i := range want {
					if !sameBits(want[i], got[i]) {
						t.Fatalf("%s %v k=%d: [%d] = %v, generic %v", tb.name, typ, k, i, got[i], want[i])
					}
				}
				if got[len(got)-1] != 0 {
					t.Fatalf("%s %v k=%d: wrote past the panel", tb.name, typ, k)
				}
			}
		}
	}
}

// TestRowsFloatWithinBound: the float row kernels (one token) of every
// tier, many lengths and odd row counts, against float64.
func TestRowsFloatWithinBound(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	for _, tb := range tiers() {
		for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16} {
			for k := 1; k < 200; k += 1 + k/8 {
				rows := 1 + k%11
				w, deq := makeWeights(r, typ, k, rows)
				x := randVec(r, k)
				want, mag := refMatMul(x, 1, k, rows, typ, deq)
				got := make([]float32, rows+2)
				got[0], got[rows+1] = 3, 3
				switch typ {
				case tensor.F32:
					tb.rowsF32(got[1:rows+1], asF32(w.Data), x)
				case tensor.F16:
					tb.rowsF16(got[1:rows+1], asU16(w.Data), x)
				case tensor.BF16:
					tb.rowsBF16(got[1:rows+1], asU16(w.Data), x)
				}
				if got[0] != 3 || got[rows+1] != 3 {
					t.Fatalf("%s %v k=%d: wrote outside y", tb.name, typ, k)
				}
				checkClose(t, fmt.Sprintf("%s %v k=%d rows=%d", tb.name, typ, k, rows), got[1:rows+1], want, mag, float64(k)*6e-8+1e-7)
			}
		}
	}
}

// TestElementwiseTiers: RMSNorm and axpy of every tier, odd lengths and
// misaligned starts, against float64 (RMSNorm: the mean square may carry
// n·2⁻²⁴ relative error, so the output may carry half that plus 2 ulp).
func TestElementwiseTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	for _, tb := range tiers() {
		for n := 1; n < 700; n += 1 + n/7 {
			off := n % 3
			x, w := randVec(r, n+off)[off:], randVec(r, n)
			got := make([]float32, n+1)
			got[n] = 9
			tb.rmsnorm(got[:n], x, w, 1e-6)
			var ss float64
			for _, v := range x {
				ss += float64(v) * float64(v)
			}
			rs := 1 / math.Sqrt(ss/float64(n)+1e-6)
			for i := range x {
				want := float64(x[i]) * rs * (1 + float64(w[i]))
				if d := math.Abs(float64(got[i]) - want); d > (float64(n)*3e-8+3e-7)*math.Abs(want)+1e-30 {
					t.Fatalf("%s rmsnorm n=%d [%d]: %v want %v", tb.name, n, i, got[i], want)
				}
			}
			if got[n] != 9 {
				t.Fatalf("%s rmsnorm n=%d: wrote past dst", tb.name, n)
			}
			// LayerNorm, with a large offset so a one-pass variance would cancel.
			xo := make([]float32, n)
			for i := range xo {
				xo[i] = x[i] + 1000
			}
			b := randVec(r, n)
			tb.layernorm(got[:n], xo, w, b, 1e-6)
			var mean, vr float64
			for _, v := range xo {
				mean += float64(v)
			}
			mean /= float64(n)
			for _, v := range xo {
				vr += (float64(v) - mean) * (float64(v) - mean)
			}
			rs = 1 / math.Sqrt(vr/float64(n)+1e-6)
			for i := range xo {
				// float32 mean of values near 1000 carries ~n·6e-5 absolute error.
				want := (float64(xo[i])-mean)*rs*float64(w[i]) + float64(b[i])
				tol := (float64(n)*6e-8+2e-6)*(math.Abs(want)+math.Abs(float64(b[i]))) + float64(n)*6e-5*rs*math.Abs(float64(w[i]))
				if d := math.Abs(float64(got[i]) - want); d > tol {
					t.Fatalf("%s layernorm n=%d [%d]: %v want %v (tol %g)", tb.name, n, i, got[i], want, tol)
				}
			}
			if got[n] != 9 {
				t.Fatalf("%s layernorm n=%d: wrote past dst", tb.name, n)
			}
			y := append(randVec(r, n), 9)
			y0 := append([]float32(nil), y...)
			tb.axpy(y[:n], 0.3, x)
			for i := 0; i < n; i++ {
				want := float64(y0[i]) + 0.3*float64(x[i])
				if d := math.Abs(float64(y[i]) - want); d > 2e-7*(math.Abs(float64(y0[i]))+math.Abs(0.3*float64(x[i]))) {
					t.Fatalf("%s axpy n=%d [%d]: %v want %v", tb.name, n, i, y[i], want)
				}
			}
			if y[n] != 9 {
				t.Fatalf("%s axpy n=%d: wrote past y", tb.name, n)
			}
		}
	}
}

// TestGELUTiers: GELU (plain and gated) and Softmax of every tier against
// float64, over values from -12 to 12 and odd lengths. Bound: 2e-6 relative
// plus 1e-7·max(1,|x|) absolute (the float32 exp and the tanh-free form).
func TestGELUTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(39, 40))
	for _, tb := range tiers() {
		for n := 1; n < 300; n += 1 + n/5 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.Float64()*24 - 12)
			}
			up := randVec(r, n)
			g, gm := make([]float32, n+1), make([]float32, n+1)
			g[n], gm[n] = 8, 8
			tb.gelu(g[:n], x)
			tb.geluMul(gm[:n], x, up)
			for i, v := range x {
				f := float64(v)
				want := 0.5 * f * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(f+0.044715*f*f*f)))
				tol := 2e-6*math.Abs(want) + 1e-7*math.Max(1, math.Abs(f))
				if d := math.Abs(float64(g[i]) - want); d > tol {
					t.Fatalf("%s gelu(%v) = %v want %v", tb.name, v, g[i], want)
				}
				if d := math.Abs(float64(gm[i]) - want*float64(up[i])); d > tol*math.Abs(float64(up[i]))+1e-30 {
					t.Fatalf("%s gelu(%v)·%v = %v want %v", tb.name, v, up[i], gm[i], want*float64(up[i]))
				}
			}
			if g[n] != 8 || gm[n] != 8 {
				t.Fatalf("%s gelu n=%d: wrote past dst", tb.name, n)
			}
			sm := append([]float32(nil), x...)
			withTier(tb, func() { Softmax(sm) })
			mx := math.Inf(-1)
			for _, v := range x {
				mx = math.Max(mx, float64(v))
			}
			var se float64
			for _, v := range x {
				se += math.Exp(float64(v) - mx)
			}
			for i, v := range x {
				want := math.Exp(float64(v)-mx) / se
				if d := math.Abs(float64(sm[i]) - want); d > 1e-6*want+1e-7*float64(n)*want {
					t.Fatalf("%s softmax n=%d [%d] = %v want %v", tb.name, n, i, sm[i], want)
				}
			}
		}
	}
}
