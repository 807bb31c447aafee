package t5gemma

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/t5go/t5go/gguf"
	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/tensor"
)

// tinyModel builds a small random model in memory.
func tinyModel(t testing.TB, typ tensor.Type) *Model {
	t.Helper()
	s := StackConfig{Layers: 3, Heads: 4, KVHeads: 2, HeadDim: 32, FFN: 64, Window: 4, Sliding: []bool{true, true, false},
		QueryScalar: 16, Eps: 1e-6, Context: 4096, RopeBase: 1e6, RopeFactor: 8, RopeBaseSWA: 1e4, RopeFactorSWA: 1}
	d := s
	d.Sliding = []bool{true, false}
	d.Layers = 2
	c := &Config{Vocab: 96, Hidden: 32, Enc: s, Dec: d, BOS: 2, PAD: 0, DecoderStart: 2, EOS: []int32{1},
		BOI: 93, EOI: 94, ImageToken: 95, MMTokensPerImage: 4}
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, c, SynthOptions{Type: typ, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDecodeStepAllocatesNothing(t *testing.T) {
	for _, typ := range []tensor.Type{tensor.F32, tensor.Q8_0, tensor.Q4_0} {
		m := tinyModel(t, typ)
		pool := kernels.NewPool(2)
		st, err := m.NewState(Limits{Batch: 2, EncLen: 8, DecLen: 200}, pool)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int32{2, 5, 6, 7, 8, 9, 10, 11, 0, 0, 2, 12, 13, 14, 15, 16}
		mask := []int32{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}
		if err := st.Encode(EncoderInput{B: 2, S: 8, IDs: ids, Mask: mask}); err != nil {
			t.Fatal(err)
		}
		tok := []int32{2, 2}
		if _, err := st.Decode(tok, 1, false); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := st.Decode(tok, 1, false); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v: a decode step allocates %.1f times", typ, allocs)
		}
		pool.Close()
	}
}

// The cross keys/values are computed once per Encode, not per step, and
// greedy decoding through the ring-buffer cache equals recomputing the whole
// prefix without a cache.
func TestCrossOnceAndCacheEqualsRecompute(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	st, err := m.NewState(Limits{Batch: 1, EncLen: 6, DecLen: 20, Chunk: 1}, pool)
	if err != nil {
		t.Fatal(err)
	}
	in := EncoderInput{B: 1, S: 6, IDs: []int32{2, 40, 41, 42, 43, 44}}
	if err := st.Encode(in); err != nil {
		t.Fatal(err)
	}
	var steps [][]float32
	out, err := st.Greedy(context.Background(), 12, func(step int, tokens []int32, logits []float32) bool {
		steps = append(steps, append([]float32(nil), logits...))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.crossBuilds != 1 {
		t.Fatalf("cross K/V built %d times for one request", st.crossBuilds)
	}
	// no cache: feed the whole prefix at once in a fresh state
	full, err := m.NewState(Limits{Batch: 1, EncLen: 6, DecLen: 20}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if err := full.Encode(in); err != nil {
		t.Fatal(err)
	}
	seq := out[0][:len(steps)]
	logits, err := full.Decode(seq, len(seq), true)
	if err != nil {
		t.Fatal(err)
	}
	V := m.Config.Vocab
	for i, want := range steps {
		got := logits[i*V : (i+1)*V]
		for j := range got {
			if math.Abs(float64(got[j]-want[j])) > 1e-4 {
				t.Fatalf("step %d logit %d: cached %v, recomputed %v", i, j, want[j], got[j])
			}
		}
	}
}

// TestSelfCacheGrows: decoding one token at a time while the self caches'
// live slots double (16 -> 32 -> 64 in the global layer; the sliding
// layer's ring wraps) gives the logits of the whole prefix fed at once,
// and again after Rewind.
func TestSelfCacheGrows(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	const n, decLen = 40, 64
	in := EncoderInput{B: 1, S: 6, IDs: []int32{2, 40, 41, 42, 43, 44}}
	seq := make([]int32, n)
	for i := range seq {
		seq[i] = int32(3 + (i*37)%90)
	}
	full, err := m.NewState(Limits{Batch: 1, EncLen: 6, DecLen: decLen}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if err := full.Encode(in); err != nil {
		t.Fatal(err)
	}
	want, err := full.Decode(seq, n, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.NewState(Limits{Batch: 1, EncLen: 6, DecLen: decLen, Chunk: 1}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Encode(in); err != nil {
		t.Fatal(err)
	}
	V := m.Config.Vocab
	for round, steps := range []int{n, 20} {
		for i := range steps {
			got, err := st.Decode(seq[i:i+1], 1, false)
			if err != nil {
				t.Fatal(err)
			}
			for j := range V {
				if math.Abs(float64(got[j]-want[i*V+j])) > 1e-4 {
					t.Fatalf("round %d step %d logit %d: one at a time %v, whole prefix %v", round, i, j, got[j], want[i*V+j])
				}
			}
		}
		if round == 0 {
			if live := st.self[1].live; live != decLen {
				t.Fatalf("global layer's live slots %d after %d tokens, want %d", live, n, decLen)
			}
			st.Rewind()
			if live := st.self[1].live; live != liveStart {
				t.Fatalf("live slots %d after Rewind, want %d", live, liveStart)
			}
		}
	}
}

// A padded batch gives each row what it gives alone: left padding shifts a
// row's positions, but RoPE scores and windows only see differences, so the
// logits agree to float rounding.
func TestBatchEqualsOneByOne(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	rows := [][]int32{{2, 10, 11, 12, 13, 14, 15}, {2, 20, 21}}
	const S, N = 7, 8
	var ids, mask []int32
	for _, r := range rows { // left padding
		for range S - len(r) {
			ids, mask = append(ids, 0), append(mask, 0)
		}
		for _, id := range r {
			ids, mask = append(ids, id), append(mask, 1)
		}
	}
	V := m.Config.Vocab
	greedy := func(st *State, in EncoderInput) ([][]int32, [][]float32) {
		if err := st.Encode(in); err != nil {
			t.Fatal(err)
		}
		var steps [][]float32
		out, err := st.Greedy(context.Background(), N, func(_ int, _ []int32, l []float32) bool {
			steps = append(steps, append([]float32(nil), l...))
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, steps
	}
	st, _ := m.NewState(Limits{Batch: 2, EncLen: S, DecLen: N + 1}, pool)
	batchIDs, batchSteps := greedy(st, EncoderInput{B: 2, S: S, IDs: ids, Mask: mask})
	for b, r := range rows {
		one, _ := m.NewState(Limits{Batch: 1, EncLen: len(r), DecLen: N + 1}, pool)
		soloIDs, soloSteps := greedy(one, EncoderInput{B: 1, S: len(r), IDs: r})
		for i := range soloSteps {
			for j := range V {
				if d := math.Abs(float64(batchSteps[i][b*V+j] - soloSteps[i][j])); d > 1e-4 {
					t.Fatalf("row %d step %d logit %d: batch %v, alone %v", b, i, j, batchSteps[i][b*V+j], soloSteps[i][j])
				}
			}
		}
		for i, id := range soloIDs[0] {
			if batchIDs[b][i] != id {
				t.Errorf("row %d token %d: batch %d, alone %d", b, i, batchIDs[b][i], id)
			}
		}
	}
}

// Running the layers a few rows at a time gives what one chunk gives.
func TestChunkedLayersMatch(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	run := func() ([]float32, []float32) {
		st, err := m.NewState(Limits{Batch: 2, EncLen: 11, DecLen: 9}, pool)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int32, 22)
		mask := make([]int32, 22)
		for i := range ids {
			ids[i], mask[i] = int32(3+i*5%90), 1
		}
		mask[11], mask[12] = 0, 0
		if err := st.Encode(EncoderInput{B: 2, S: 11, IDs: ids, Mask: mask}); err != nil {
			t.Fatal(err)
		}
		enc := append([]float32(nil), st.EncoderOutput()...)
		logits, err := st.Decode([]int32{2, 7, 8, 9, 10, 11, 12, 2, 9, 9, 9, 9, 9, 9}, 7, true)
		if err != nil {
			t.Fatal(err)
		}
		return enc, append([]float32(nil), logits...)
	}
	enc1, dec1 := run()
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 3
	enc3, dec3 := run()
	for _, p := range []struct {
		name string
		a, b []float32
	}{{"encoder", enc1, enc3}, {"logits", dec1, dec3}} {
		for i := range p.a {
			if d := math.Abs(float64(p.a[i] - p.b[i])); d > 1e-5 {
				t.Fatalf("%s[%d]: one chunk %v, chunks of 3 %v", p.name, i, p.a[i], p.b[i])
			}
		}
	}
}

func TestMemoryCheckBeforeAllocating(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	at := func(s int) int64 { return m.StateBytes(Limits{Batch: 1, EncLen: s, DecLen: 10}) }
	if d1, d2 := at(2000)-at(1000), at(4000)-at(3000); d1 != d2 || d1 <= 0 {
		t.Errorf("state memory is not linear in the input: +%d B then +%d B per 1000 tokens", d1, d2)
	}
	_, err := m.NewState(Limits{Batch: 64, EncLen: 4000, DecLen: 4000}, nil)
	if avail := availableMemory(); avail > 0 && m.StateBytes(Limits{Batch: 64, EncLen: 4000, DecLen: 4000}) > avail {
		if err == nil || !strings.Contains(err.Error(), "GiB is available") {
			t.Errorf("an oversized state: %v", err)
		}
	}
	m.Config.Enc.Context = 4096
	if _, err := m.NewState(Limits{Batch: 1, EncLen: 5000, DecLen: 4}, nil); err == nil || !strings.Contains(err.Error(), "exceed the model's maximum") {
		t.Errorf("an input past the context: %v", err)
	}
}

// Cross K/V stored at f16 or Q8_0 give logits close to f32 storage, and
// decoding with them still allocates nothing.
func TestCrossPrecision(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	ids := make([]int32, 40)
	for i := range ids {
		ids[i] = int32(3 + i*7%90)
	}
	run := func(ct tensor.Type) []float32 {
		st, err := m.NewState(Limits{Batch: 1, EncLen: 40, DecLen: 8, CrossType: ct}, pool)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Encode(EncoderInput{B: 1, S: 40, IDs: ids}); err != nil {
			t.Fatal(err)
		}
		l, err := st.Decode([]int32{2, 5, 6}, 3, true)
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(5, func() { st.Rewind(); st.Decode([]int32{2}, 1, false) }); a != 0 {
			t.Errorf("%v cross: a decode step allocates %.0f times", ct, a)
		}
		return append([]float32(nil), l...)
	}
	ref := run(tensor.F32)
	var scale float64
	for _, v := range ref {
		scale = max(scale, math.Abs(float64(v)))
	}
	for _, tc := range []struct {
		ct  tensor.Type
		tol float64
	}{{tensor.F16, 2e-3}, {tensor.Q8_0, 3e-2}} {
		got := run(tc.ct)
		var worst float64
		for i := range ref {
			worst = max(worst, math.Abs(float64(got[i]-ref[i])))
		}
		if worst/scale > tc.tol || worst == 0 {
			t.Errorf("%v cross K/V: logits off by %.3g of scale %.3g (tolerance %g)", tc.ct, worst, scale, tc.tol)
		}
	}
	if _, err := m.NewState(Limits{Batch: 1, EncLen: 4, DecLen: 4, CrossType: tensor.Q4_0}, pool); err == nil {
		t.Error("q4_0 cross K/V should be refused")
	}
}

// A state sized for long inputs reads only the current input's cross slots,
// and gives what a state of exactly that size gives, whichever input came
// before it.
func TestCrossSlotsFollowTheInput(t *testing.T) {
	m := tinyModel(t, tensor.F32)
	pool := kernels.NewPool(2)
	defer pool.Close()
	input := func(s int) EncoderInput {
		ids := make([]int32, s)
		for i := range ids {
			ids[i] = int32(3 + (i*11+s)%90)
		}
		return EncoderInput{B: 1, S: s, IDs: ids}
	}
	logits := func(st *State, in EncoderInput) []float32 {
		if err := st.Encode(in); err != nil {
			t.Fatal(err)
		}
		l, err := st.Decode([]int32{2, 5, 6}, 3, true)
		if err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), l...)
	}
	for _, ct := range []tensor.Type{tensor.F32, tensor.F16, tensor.Q8_0} {
		big, err := m.NewState(Limits{Batch: 1, EncLen: 100, DecLen: 8, CrossType: ct}, pool)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{40, 7, 33, 100} {
			exact, err := m.NewState(Limits{Batch: 1, EncLen: s, DecLen: 8, CrossType: ct}, pool)
			if err != nil {
				t.Fatal(err)
			}
			want, got := logits(exact, input(s)), logits(big, input(s))
			if used := big.cross[0].used; used < s || used > s+31 {
				t.Errorf("%v, %d tokens: %d cross slots in use", ct, s, used)
			}
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("%v, %d tokens after others: logit %d is %v, a state of exactly that size gives %v", ct, s, i, got[i], want[i])
				}
			}
		}
	}
}
