package tokenizer

import (
	"encoding/json"
	"fmt"
)

// Parsers of tokenizer.json's pipeline components: normalizer,
// pre_tokenizer, decoder and post_processor.

type jsonPattern struct {
	String *string `json:"String"`
	Regex  *string `json:"Regex"`
}

func (p jsonPattern) literal() (string, error) {
	if p.Regex != nil {
		return "", fmt.Errorf("regex pattern %q is not supported", *p.Regex)
	}
	if p.String == nil || *p.String == "" {
		return "", fmt.Errorf("empty pattern is not supported")
	}
	return *p.String, nil
}

type jsonReplace struct {
	Pattern jsonPattern `json:"pattern"`
	Content string      `json:"content"`
}

func parseReplace(raw json.RawMessage) (Replace, error) {
	var r jsonReplace
	if err := json.Unmarshal(raw, &r); err != nil {
		return Replace{}, err
	}
	old, err := r.Pattern.literal()
	return Replace{old, r.Content}, err
}

func parseNormalizer(raw json.RawMessage) ([]Replace, error) {
	if isNull(raw) {
		return nil, nil
	}
	var t typed
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, err
	}
	switch t.Type {
	case "Replace":
		r, err := parseReplace(raw)
		return []Replace{r}, err
	case "Sequence":
		var s struct {
			Normalizers []json.RawMessage `json:"normalizers"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		var out []Replace
		for i, n := range s.Normalizers {
			rs, err := parseNormalizer(n)
			if err != nil {
				return nil, fmt.Errorf("%d: %w", i, err)
			}
			out = append(out, rs...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("type %q is not supported (only Replace and Sequence of Replace)", t.Type)
}

func parsePreTokenizer(v *Vocab, raw json.RawMessage) error {
	if isNull(raw) {
		return nil
	}
	var s struct {
		Type     string      `json:"type"`
		Pattern  jsonPattern `json:"pattern"`
		Behavior string      `json:"behavior"`
		Invert   bool        `json:"invert"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	if s.Type != "Split" {
		return fmt.Errorf("type %q is not supported (only Split)", s.Type)
	}
	pat, err := s.Pattern.literal()
	if err != nil {
		return err
	}
	b, ok := parseSplitBehavior(s.Behavior)
	if !ok {
		return fmt.Errorf("split behavior %q is not known", s.Behavior)
	}
	v.Split, v.SplitBehavior, v.SplitInvert = pat, b, s.Invert
	return nil
}

// parseDecoder accepts Replace*, then ByteFallback, then Fuse (each
// optional), alone or in a Sequence. HF's behaviour without a decoder
// (tokens joined with spaces) is not supported.
func parseDecoder(v *Vocab, raw json.RawMessage) error {
	if isNull(raw) {
		return fmt.Errorf("a missing decoder is not supported")
	}
	var t typed
	if err := json.Unmarshal(raw, &t); err != nil {
		return err
	}
	steps := []json.RawMessage{raw}
	if t.Type == "Sequence" {
		var s struct {
			Decoders []json.RawMessage `json:"decoders"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		steps = s.Decoders
	}
	stage := 0 // 0: Replace allowed, 1: after ByteFallback, 2: after Fuse
	for i, st := range steps {
		if err := json.Unmarshal(st, &t); err != nil {
			return err
		}
		switch {
		case t.Type == "Replace" && stage == 0:
			r, err := parseReplace(st)
			if err != nil {
				return fmt.Errorf("%d: %w", i, err)
			}
			v.DecodeReplace = append(v.DecodeReplace, r)
		case t.Type == "ByteFallback" && stage == 0:
			v.DecodeByteFallback, stage = true, 1
		case t.Type == "Fuse" && stage < 2:
			stage = 2
		default:
			return fmt.Errorf("%d: %q here is not supported (only Replace..., ByteFallback, Fuse in that order)", i, t.Type)
		}
	}
	return nil
}

func parsePostProcessor(v *Vocab, raw json.RawMessage, ids func(string) int32) error {
	if isNull(raw) {
		return nil
	}
	type piece struct {
		SpecialToken *struct {
			ID string `json:"id"`
		} `json:"SpecialToken"`
		Sequence *struct {
			ID string `json:"id"`
		} `json:"Sequence"`
	}
	var p struct {
		Type          string  `json:"type"`
		Single        []piece `json:"single"`
		SpecialTokens map[string]struct {
			IDs []int64 `json:"ids"`
		} `json:"special_tokens"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	if p.Type != "TemplateProcessing" {
		return fmt.Errorf("type %q is not supported (only TemplateProcessing)", p.Type)
	}
	seq := -1
	for i, pc := range p.Single {
		if pc.Sequence != nil {
			if seq >= 0 || pc.Sequence.ID != "A" {
				return fmt.Errorf("single template: sequence %q at %d is not supported", pc.Sequence.ID, i)
			}
			seq = i
		}
	}
	if seq < 0 || seq > 1 || len(p.Single)-seq > 2 {
		return fmt.Errorf("single template: only [token] $A [token] is supported")
	}
	tok := func(pc piece) (int32, error) {
		if pc.SpecialToken == nil {
			return 0, fmt.Errorf("single template: unknown piece")
		}
		st, ok := p.SpecialTokens[pc.SpecialToken.ID]
		if !ok || len(st.IDs) != 1 {
			return 0, fmt.Errorf("single template: special token %q must map to exactly one id", pc.SpecialToken.ID)
		}
		return int32(st.IDs[0]), nil
	}
	var err error
	if seq == 1 {
		v.AddBOS = true
		if v.BOS, err = tok(p.Single[0]); err != nil {
			return err
		}
	}
	if len(p.Single) == seq+2 {
		v.AddEOS = true
		if v.EOS, err = tok(p.Single[seq+1]); err != nil {
			return err
		}
	}
	return nil
}
