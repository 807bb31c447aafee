package t5go

import (
	"context"
	"slices"
	"testing"
)

// A session encodes once and answers several questions; each answer equals
// what a fresh session gives for that question alone.
func TestSessionAskMany(t *testing.T) {
	m, _ := fixture(t, "b_text_sliding_batch")
	doc := ""
	for i := range 30 {
		doc += cjk(int32(10 + i*7%400))
	}
	ctx := context.Background()
	s, err := m.NewSession(ctx, doc, nil, SessionOptions{MaxDecoderTokens: 40})
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{cjk(50) + cjk(51), cjk(60), cjk(70) + cjk(71) + cjk(72)}
	var answers [][]int32
	for _, q := range questions {
		r, err := s.Ask(ctx, q, Request{MaxNewTokens: 12}, nil)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, r.IDs)
	}
	for i, q := range questions {
		fresh, err := m.NewSession(ctx, doc, nil, SessionOptions{MaxDecoderTokens: 40})
		if err != nil {
			t.Fatal(err)
		}
		r, err := fresh.Ask(ctx, q, Request{MaxNewTokens: 12}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.IDs, answers[i]) {
			t.Errorf("question %d: session %v, fresh %v", i, answers[i], r.IDs)
		}
	}
	if _, err := s.Ask(ctx, cjk(1), Request{MaxNewTokens: 100}, nil); err == nil {
		t.Error("asking past the session's decoder limit should fail")
	}
}
