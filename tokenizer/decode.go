package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// Decode turns ids back into text the way HF's Tokenizer::decode does: ids
// out of range are dropped, special tokens too when skipSpecial is set, then
// the decoder chain runs: Replace on each token, ByteFallback over runs of
// <0xNN> tokens (a run that is not valid UTF-8 gives one U+FFFD per byte),
// and Fuse (concatenation).
func (t *Tokenizer) Decode(ids []int32, skipSpecial bool) string {
	out := make([]byte, 0, len(ids)*4)
	var run []byte // pending bytes of <0xNN> tokens
	var tok []byte // the current token after the Replace decoders
	for _, id := range ids {
		if id < 0 || int(id) >= len(t.v.Tokens) {
			continue
		}
		if skipSpecial && t.flags[id]&flagSkip != 0 {
			continue
		}
		s := t.v.Tokens[id]
		if len(t.decodeText) > 0 {
			if d, ok := t.decodeText[id]; ok {
				s = d
			}
		}
		switch len(t.v.DecodeReplace) {
		case 0:
			tok = append(tok[:0], s...)
		case 1:
			tok = appendReplaced(tok[:0], s, t.v.DecodeReplace[0])
		default:
			for _, r := range t.v.DecodeReplace {
				s = strings.ReplaceAll(s, r.Old, r.New)
			}
			tok = append(tok[:0], s...)
		}
		if t.v.DecodeByteFallback {
			if b, ok := fallbackByte(tok); ok {
				run = append(run, b)
				continue
			}
			out = flushBytes(out, run)
			run = run[:0]
		}
		out = append(out, tok...)
	}
	return string(flushBytes(out, run))
}

// fallbackByte parses a ByteFallback token: six bytes "<0x", two digits
// read by Rust's u8::from_str_radix(_, 16) (either case, or '+' and one
// digit), ">".
func fallbackByte(s []byte) (byte, bool) {
	if len(s) != 6 || string(s[:3]) != "<0x" || s[5] != '>' {
		return 0, false
	}
	hi, ok1 := hexDigit(s[3])
	lo, ok2 := hexDigit(s[4])
	if s[3] == '+' && ok2 {
		return lo, true
	}
	return hi<<4 | lo, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// flushBytes appends a run of fallback bytes: as is when valid UTF-8,
// otherwise one U+FFFD per byte (HF's all-or-nothing rule).
func flushBytes(out, run []byte) []byte {
	if len(run) == 0 {
		return out
	}
	if utf8.Valid(run) {
		return append(out, run...)
	}
	for range run {
		out = append(out, "\uFFFD"...)
	}
	return out
}
