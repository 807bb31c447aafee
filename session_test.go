package t5go

import (
	"context"
	"slices"
	"testing"

	"github.com/t5go/t5go/internal/testcase"
)

// A session encodes once and answers several questions; each answer equals
// what a fresh session gives for that question alone.
func TestSessionAskMany(t *testing.T) {
	m, _ := fixture(t, "b_text_sliding_batch")
	doc := ""
	for i := range 30 {
		doc += testcase.Spell(int32(10 + i*7%400))
	}
	ctx := context.Background()
	s, err := m.NewSession(ctx, doc, nil, SessionOptions{MaxDecoderTokens: 40})
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{testcase.Spell(50) + testcase.Spell(51), testcase.Spell(60), testcase.Spell(70) + testcase.Spell(71) + testcase.Spell(72)}
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
	if _, err := s.Ask(ctx, testcase.Spell(1), Request{MaxNewTokens: 100}, nil); err == nil {
		t.Error("asking past the session's decoder limit should fail")
	}
}
