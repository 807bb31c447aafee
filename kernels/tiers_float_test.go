package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

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

// TestRowsF32x4WithinBound: the four-token float row kernel of every tier
// (pairs of rows, element tails, an odd last row, a y stride wider than
// the rows) against float64, with guards between and after the tokens.
func TestRowsF32x4WithinBound(t *testing.T) {
	r := rand.New(rand.NewPCG(39, 40))
	for _, tb := range tiers() {
		for _, k := range []int{1, 15, 16, 17, 48, 250, 256, 1030} {
			for _, rows := range []int{1, 2, 3, 8, 37} {
				w, deq := makeWeights(r, tensor.F32, k, rows)
				x := randVec(r, 4*k)
				want, mag := refMatMul(x, 4, k, rows, tensor.F32, deq)
				ys := rows + 2
				got := make([]float32, 4*ys)
				for i := range got {
					got[i] = 3
				}
				tb.rowsF32x4(got, ys, asF32(w.Data), x, rows)
				for tk := range 4 {
					name := fmt.Sprintf("%s k=%d rows=%d token %d", tb.name, k, rows, tk)
					checkClose(t, name, got[tk*ys:tk*ys+rows], want[tk*rows:(tk+1)*rows], mag[tk*rows:(tk+1)*rows], float64(k)*6e-8+1e-7)
					if got[tk*ys+rows] != 3 || got[tk*ys+rows+1] != 3 {
						t.Fatalf("%s: wrote past the rows", name)
					}
				}
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
