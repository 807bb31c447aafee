package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refAttend is the float64 two-pass softmax over every included key.
func refAttend(q []float32, scale float32, parts []KV) []float64 {
	d := len(q)
	var scores []float64
	var vals [][]float32
	for _, p := range parts {
		for _, sp := range p.Spans {
			for j := sp.Lo; j < sp.Hi; j++ {
				var s float64
				for i := 0; i < d; i++ {
					s += float64(q[i]) * float64(p.K[j*p.Stride+i])
				}
				scores = append(scores, s*float64(scale))
				vals = append(vals, p.V[j*p.Stride:j*p.Stride+d])
			}
		}
	}
	out := make([]float64, d)
	if len(scores) == 0 {
		return out
	}
	mx := math.Inf(-1)
	for _, s := range scores {
		mx = math.Max(mx, s)
	}
	var sum float64
	for j, s := range scores {
		e := math.Exp(s - mx)
		sum += e
		for i := range out {
			out[i] += e * float64(vals[j][i])
		}
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func TestAttendMatchesTwoPassSoftmax(t *testing.T) {
	for _, tb := range tiers() {
		t.Run(tb.name, func(t *testing.T) { withTier(tb, func() { attendCases(t) }) })
	}
}

func attendCases(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	mk := func(keys, d, stride int, spans ...Span) KV {
		return KV{K: randVec(r, keys*stride), V: randVec(r, keys*stride), Stride: stride, Spans: spans}
	}
	for _, d := range []int{4, 64, 256} {
		cases := []struct {
			name  string
			parts []KV
		}{
			{"none", nil},
			{"empty spans", []KV{mk(5, d, d, Span{2, 2})}},
			{"one key", []KV{mk(1, d, d, Span{0, 1})}},
			{"causal 200", []KV{mk(200, d, d, Span{0, 200})}},
			{"sliding window", []KV{mk(300, d, 2*d, Span{171, 300})}},
			{"bidirectional holes", []KV{mk(300, d, d, Span{0, 10}, Span{40, 170}, Span{250, 251})}},
			{"self|cross", []KV{mk(70, d, 3*d, Span{0, 70}), mk(129, d, d, Span{0, 129})}},
		}
		for _, c := range cases {
			q := randVec(r, d)
			scale := float32(1 / math.Sqrt(float64(d)))
			out := make([]float32, d+1)
			out[d] = 777
			Attend(out[:d], q, scale, c.parts)
			want := refAttend(q, scale, c.parts)
			for i := range want {
				if dlt := math.Abs(float64(out[i]) - want[i]); dlt > 2e-5*(1+math.Abs(want[i])) {
					t.Fatalf("d=%d %s: out[%d] = %v want %v", d, c.name, i, out[i], want[i])
				}
			}
			if out[d] != 777 {
				t.Fatalf("d=%d %s: wrote past out", d, c.name)
			}
		}
	}
}

func TestAttendAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	d := 64
	parts := []KV{{K: randVec(r, 100*d), V: randVec(r, 100*d), Stride: d, Spans: []Span{{0, 100}}}}
	q, out := randVec(r, d), make([]float32, d)
	if a := testing.AllocsPerRun(20, func() { Attend(out, q, 0.1, parts) }); a != 0 {
		t.Error(fmt.Sprint("Attend allocates ", a))
	}
}

func TestAttendBlockEqualsAttendPerHead(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, nq := range []int{1, 2, 4, 8, 9, 17} {
		d := 64
		self := KV{K: randVec(r, 150*2*d), V: randVec(r, 150*2*d), Stride: 2 * d, Spans: []Span{{0, 5}, {20, 150}}}
		cross := KV{K: randVec(r, 70*d), V: randVec(r, 70*d), Stride: d, Spans: []Span{{0, 70}}}
		parts := []KV{self, cross}
		q := randVec(r, nq*d)
		got := make([]float32, nq*d+1)
		got[nq*d] = 4
		AttendBlock(got[:nq*d], q, nq, 0.125, parts)
		for h := 0; h < nq; h++ {
			want := make([]float32, d)
			Attend(want, q[h*d:h*d+d], 0.125, parts)
			for i := range want {
				if !sameBits(want[i], got[h*d+i]) {
					t.Fatalf("nq=%d head %d [%d]: %v, Attend %v", nq, h, i, got[h*d+i], want[i])
				}
			}
		}
		if got[nq*d] != 4 {
			t.Fatalf("nq=%d: wrote past out", nq)
		}
		if a := testing.AllocsPerRun(5, func() { AttendBlock(got[:nq*d], q, nq, 0.125, parts) }); a != 0 {
			t.Fatalf("nq=%d: AttendBlock allocates %v", nq, a)
		}
	}
}
