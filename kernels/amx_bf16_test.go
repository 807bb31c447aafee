package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

func TestBF16ConversionsBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for _, tb := range archOnly() {
		for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 100} {
			x := randVec(r, n+1)[1:] // misaligned
			if n > 3 {
				x[0], x[1], x[2] = 1.00390625, -1.01171875, 3.4e38 // ties to even, overflow to Inf
			}
			want, got := make([]uint16, n), make([]uint16, n+1)
			toBF16Generic(want, x, 0.7)
			tb.toBF16(got, x, 0.7)
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("%s toBF16 n=%d: [%d] = %#x, generic %#x (x %v)", tb.name, n, i, got[i], want[i], x[i])
				}
			}
			if got[n] != 0 {
				t.Fatalf("%s toBF16 n=%d: wrote past dst", tb.name, n)
			}
		}
		for _, pairs := range []int{16, 48} {
			x := randVec(r, 64*pairs)
			want, got := make([]uint16, pairs/16*bStep), make([]uint16, pairs/16*bStep+1)
			pairsBF16Generic(want, x, pairs)
			tb.pairsBF16(got, x, pairs)
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("%s pairsBF16 pairs=%d: [%d] = %#x, generic %#x", tb.name, pairs, i, got[i], want[i])
				}
			}
			if got[len(want)] != 0 {
				t.Fatalf("%s pairsBF16: wrote past dst", tb.name)
			}
		}
	}
}

// TestBF16Rounding pins bf16 against exact cases.
func TestBF16Rounding(t *testing.T) {
	for _, c := range []struct {
		in   float32
		want uint16
	}{{1, 0x3f80}, {1.00390625, 0x3f80}, {1.01171875, 0x3f82}, {-2, 0xc000}, {float32(math.Inf(1)), 0x7f80}, {3.4e38, 0x7f80}} {
		if got := bf16(c.in); got != c.want {
			t.Errorf("bf16(%v) = %#x, want %#x", c.in, got, c.want)
		}
	}
	if got := bf16(float32(math.NaN())); got&0x7f80 != 0x7f80 || got&0x7f == 0 {
		t.Errorf("bf16(NaN) = %#x, not a NaN", got)
	}
}

// TestGemmBTile runs each tier's bfloat16 tile kernel (where the CPU has
// one) against gemmBGeneric: the sums agree within float32 rounding of
// Σ|a·b|, and columns past 32 keep their guard values.
func TestGemmBTile(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	for _, tb := range archOnly() {
		if tb.gemmB == nil {
			continue
		}
		for _, sh := range []struct{ ks, panels int }{{1, 1}, {3, 2}, {36, 3}} {
			astride, cstride := 32*sh.ks+32, 40
			a := make([]uint16, 32*sh.panels*astride)
			toBF16Generic(a, randVec(r, len(a)), 1)
			b := make([]uint16, sh.ks*bStep)
			toBF16Generic(b, randVec(r, len(b)), 1)
			want := make([]float32, 32*sh.panels*cstride)
			for i := range want {
				want[i] = 7
			}
			got := append([]float32(nil), want...)
			gemmBGeneric(want, cstride, a, astride, b, sh.ks, sh.panels)
			tb.gemmB(got, cstride, a, astride, b, sh.ks, sh.panels)
			for p := 0; p < sh.panels; p++ {
				for i := 0; i < 32; i++ {
					for j := 0; j < 32; j++ {
						var mag float64 // Σ|a·b|: two float32 sums differ by at most k·2⁻²⁴ of it
						for k := 0; k < 32*sh.ks; k++ {
							mag += math.Abs(float64(BF16ToF32(a[(32*p+i)*astride+k])) * float64(BF16ToF32(b[bAt(k, j)])))
						}
						at := (32*p+i)*cstride + j
						if d := math.Abs(float64(got[at] - want[at])); d > float64(32*sh.ks)*6e-8*mag || got[at] != got[at] {
							t.Fatalf("%s %+v: c[%d] = %v, generic %v (Σ|a·b| %v)", tb.name, sh, at, got[at], want[at], mag)
						}
					}
				}
			}
			for i := range want {
				if i%cstride >= 32 && got[i] != 7 {
					t.Fatalf("%s %+v: c[%d] = %v, a guard value changed", tb.name, sh, i, got[i])
				}
			}
		}
	}
}

// bf16Tier is the tier with bfloat16 tiles; the test is skipped (and says
// so) on CPUs without AMX-BF16, where no code path can take them.
func bf16Tier(t *testing.T) *table {
	for _, x := range archOnly() {
		if x.gemmB != nil {
			return &x
		}
	}
	t.Skip("no tier with AMX-BF16 on this CPU")
	return nil
}

// TestMatMulBF16 checks the AllowBF16 path of MatMul against the product
// of the bfloat16-rounded operands in float64, on whole and partial token
// and row panels, k not a multiple of 32, every weight type.
func TestMatMulBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	tb := bf16Tier(t)
	for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0} {
		for _, sh := range []struct{ n, k, rows int }{{32, 64, 32}, {70, 96, 70}, {33, 72, 64}, {64, 588, 96}, {100, 1152, 40}} {
			if typ.BlockSize() > 1 && sh.k%qk != 0 {
				continue
			}
			w, _ := makeWeights(r, typ, sh.k, sh.rows)
			x := randVec(r, sh.n*sh.k)
			got := make([]float32, sh.n*sh.rows+1)
			got[len(got)-1] = 5
			for _, th := range []int{1, 2} {
				ws := NewWorkspace(NewPool(th))
				ws.AllowBF16 = true
				withTier(*tb, func() { ws.MatMul(got, x, sh.n, w) })
				ws.Pool.Close()
				row := make([]float32, sh.k)
				for o := 0; o < sh.rows; o++ {
					dequantRow(row, w.Data[o*typ.RowBytes(sh.k):], sh.k, typ)
					for tk := 0; tk < sh.n; tk++ {
						var want, mag float64
						for i, wv := range row {
							p := float64(BF16ToF32(bf16(wv))) * float64(BF16ToF32(bf16(x[tk*sh.k+i])))
							want += p
							mag += math.Abs(p)
						}
						if d := math.Abs(float64(got[tk*sh.rows+o]) - want); d > 1e-5*mag+1e-6 {
							t.Fatalf("%v %+v threads=%d: y[%d][%d] = %v, want %v (Σ|p| %v)", typ, sh, th, tk, o, got[tk*sh.rows+o], want, mag)
						}
					}
				}
				if got[len(got)-1] != 5 {
					t.Fatalf("%v %+v: wrote past y", typ, sh)
				}
			}
		}
	}
}

// BenchmarkMatMulBF16: the AllowBF16 path on text prefill (512 tokens) and
// vision tower (1024 patches) shapes; GFLOP/s counts 2·n·k·rows.
func BenchmarkMatMulBF16(b *testing.B) {
	if impl.gemmB == nil {
		b.Skip("the selected tier has no AMX-BF16")
	}
	r := rand.New(rand.NewPCG(57, 58))
	for _, sh := range []struct {
		name       string
		n, k, rows int
	}{{"up_640to2048", 512, 640, 2048}, {"down_2048to640", 512, 2048, 640}, {"vision_qkv_1152", 1024, 1152, 1152}, {"vision_fc2_4304", 1024, 4304, 1152}} {
		for _, typ := range []tensor.Type{tensor.Q8_0, tensor.F16} {
			if typ == tensor.Q8_0 && sh.k%qk != 0 {
				continue
			}
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%v/%s/n=%d/threads=%d", typ, sh.name, sh.n, th), func(b *testing.B) {
					w, _ := makeWeights(r, typ, sh.k, sh.rows)
					x := randVec(r, sh.n*sh.k)
					y := make([]float32, sh.n*sh.rows)
					ws := NewWorkspace(NewPool(th))
					defer ws.Pool.Close()
					ws.AllowBF16 = true
					ws.MatMul(y, x, sh.n, w)
					cpu0 := cpuTime()
					for b.Loop() {
						ws.MatMul(y, x, sh.n, w)
					}
					reportRate(b, 2*float64(sh.n)*float64(sh.k*sh.rows)/1e9, "GFLOP", th, cpu0)
				})
			}
		}
	}
}

// TestDenseAttnBF16 runs the BF16 path of DenseAttn (where the CPU has
// AMX-BF16) against float64 attention of the bfloat16-rounded queries,
// keys and values: what is left is the probabilities' rounding (2⁻⁹ of
// each weight) and float32 sums. Guards as in the float test.
func TestDenseAttnBF16(t *testing.T) {
	tb := bf16Tier(t)
	r := rand.New(rand.NewPCG(59, 60))
	round := func(x []float32, scale float32) []float32 {
		out := make([]float32, len(x))
		for i, v := range x {
			out[i] = BF16ToF32(bf16(v*scale)) / scale
		}
		return out
	}
	for _, c := range []struct {
		n, stride, heads, d int
		scale               float32
	}{{1, 1, 1, 1, 1}, {5, 7, 2, 3, 0.5}, {33, 150, 2, 72, 0.118}, {70, 16, 1, 16, 4}, {200, 144, 2, 72, 0.118}, {300, 40, 2, 19, 0.23}, {1100, 150, 2, 72, 0.118}} {
		q, k, v := normVec(r, c.n*c.stride), normVec(r, c.n*c.stride), normVec(r, c.n*c.stride)
		want := refDense(round(q, c.scale), round(k, 1), round(v, 1), c.n, c.stride, c.heads, c.d, c.scale)
		for _, th := range []int{1, 2} {
			out := make([]float32, c.n*c.stride+1)
			for i := range out {
				out[i] = 7
			}
			p := NewPool(th)
			a := DenseAttn{BF16: true}
			withTier(*tb, func() {
				a.Attend(p, out[:c.n*c.stride], q, k, v, c.n, c.stride, c.heads, c.d, c.scale)
				a.Attend(p, out[:c.n*c.stride], q, k, v, c.n, c.stride, c.heads, c.d, c.scale)
			})
			p.Close()
			for i := range c.n * c.stride {
				if i%c.stride >= c.heads*c.d {
					if out[i] != 7 {
						t.Fatalf("%+v threads=%d: wrote [%d], a column no head owns", c, th, i)
					}
					continue
				}
				if d := math.Abs(float64(out[i]) - want[i]); d > 1e-2 || math.IsNaN(float64(out[i])) {
					t.Fatalf("%+v threads=%d: [%d] = %v, want %v", c, th, i, out[i], want[i])
				}
			}
			if out[len(out)-1] != 7 {
				t.Fatalf("%+v: wrote past out", c)
			}
		}
	}
}

// BenchmarkGemmBTile times the bfloat16 tile kernel alone: A of panels×32
// rows (L1 for one panel, L2 for seven), one B panel, k = 32·ks.
func BenchmarkGemmBTile(b *testing.B) {
	if impl.gemmB == nil {
		b.Skip("the selected tier has no AMX-BF16")
	}
	for _, sh := range []struct{ ks, panels int }{{3, 128}, {12, 1}, {36, 1}, {36, 7}, {128, 3}} {
		b.Run(fmt.Sprintf("k=%d/panels=%d", 32*sh.ks, sh.panels), func(b *testing.B) {
			a := make([]uint16, 32*sh.panels*32*sh.ks)
			bb := make([]uint16, sh.ks*bStep)
			c := make([]float32, 32*sh.panels*32)
			for b.Loop() {
				impl.gemmB(c, 32, a, 32*sh.ks, bb, sh.ks, sh.panels)
			}
			b.ReportMetric(float64(b.N)*2*32*32*32*float64(sh.ks*sh.panels)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestPackRowsBTiers: each tier's B packer (assembly on whole k-steps, Go
// on a partial last one) writes what the Go packer writes, bit for bit.
func TestPackRowsBTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for _, tb := range archOnly() {
		if tb.packB == nil {
			continue
		}
		for _, typ := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0} {
			for _, k := range []int{32, 64, 72, 588, 1152, 4304} {
				if typ.BlockSize() > 1 && k%qk != 0 {
					continue
				}
				w, _ := makeWeights(r, typ, k, 33)
				rb := typ.RowBytes(k)
				ks := (k + 31) / 32
				want, got := make([]uint16, ks*bStep), make([]uint16, ks*bStep+1)
				for i := range got {
					got[i] = 0xdead // packRowsB must write every element
				}
				got[len(got)-1] = 0
				row := make([]float32, k)
				withTier(genericTable, func() { packRowsB(want, w.Data, rb, k, 32, typ, row) })
				withTier(tb, func() { packRowsB(got, w.Data, rb, k, 32, typ, row) })
				for i := range want {
					if want[i] != got[i] {
						t.Fatalf("%s %v k=%d: [%d] = %#x, Go %#x", tb.name, typ, k, i, got[i], want[i])
					}
				}
				if got[len(got)-1] != 0 {
					t.Fatalf("%s %v k=%d: wrote past dst", tb.name, typ, k)
				}
			}
		}
	}
}

// BenchmarkAMXPeak measures the tile unit's bfloat16 peak on this machine
// (four independent TDPBF16PS a round, no memory operands): the limit the
// bfloat16 figures are compared with.
func BenchmarkAMXPeak(b *testing.B) {
	if !amxPeak(1) {
		b.Skip("no AMX-BF16 in the selected tier")
	}
	const rounds = 1 << 16
	for b.Loop() {
		amxPeak(rounds)
	}
	b.ReportMetric(float64(b.N)*rounds*4*16*16*32*2/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// TestSoftmaxPairsTiers: every tier's fused softmax against the
// specification (colSoftmaxGeneric then pairsBF16Generic): the sums within
// the vector exp's error, the pairs within one bfloat16 step, rows of -Inf
// exactly 0; and on the avx512 kernels bit-exact with colSoftmax32AVX512
// then pairsBF16AVX512, the two passes it replaces.
func TestSoftmaxPairsTiers(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 64))
	for _, tb := range tiers() {
		for _, ks := range []int{1, 2, 5} {
			for _, pad := range []int{0, 1, 31} {
				rows := 32 * ks
				s := normVec(r, rows*32)
				for i := range s {
					s[i] *= 8
				}
				for i := (rows - pad) * 32; i < rows*32; i++ {
					s[i] = float32(math.Inf(-1))
				}
				ref := append([]float32(nil), s...)
				want, refSum := make([]uint16, ks*bStep), make([]float32, 32)
				softmaxPairsGeneric(want, ref, ks, refSum)
				got, sum := make([]uint16, ks*bStep+1), make([]float32, 33)
				got[len(got)-1], sum[32] = 7, 7
				in := append([]float32(nil), s...)
				withTier(tb, func() { tb.softmaxPairs(got, in, ks, sum) })
				name := fmt.Sprintf("%s ksteps=%d pad=%d", tb.name, ks, pad)
				for c := range 32 {
					if d := math.Abs(float64(sum[c] - refSum[c])); d > 1e-6*float64(refSum[c]) {
						t.Fatalf("%s: sum[%d] = %v, want %v", name, c, sum[c], refSum[c])
					}
				}
				for i := range want {
					g, w := BF16ToF32(got[i]), BF16ToF32(want[i])
					if d := math.Abs(float64(g - w)); d > math.Abs(float64(w))/128 {
						t.Fatalf("%s: pair [%d] = %v, want %v", name, i, g, w)
					}
					if w == 0 && g != 0 {
						t.Fatalf("%s: pair [%d] = %v, want exactly 0", name, i, g)
					}
				}
				if got[len(got)-1] != 7 || sum[32] != 7 {
					t.Fatalf("%s: wrote past dst or sum", name)
				}
				if tb.isa == "avx512" {
					two, twoSum := make([]uint16, ks*bStep), make([]float32, 32)
					in := append([]float32(nil), s...)
					withTier(tb, func() {
						colSoftmax(in, rows, 32, twoSum)
						tb.pairsBF16(two, in, 16*ks)
					})
					for i := range two {
						if two[i] != got[i] {
							t.Fatalf("%s: pair [%d] = %#x, colSoftmax+pairsBF16 %#x", name, i, got[i], two[i])
						}
					}
					for c := range 32 {
						if !sameBits(sum[c], twoSum[c]) {
							t.Fatalf("%s: sum[%d] = %v, colSoftmax %v", name, c, sum[c], twoSum[c])
						}
					}
				}
			}
		}
	}
}
