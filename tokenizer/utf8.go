package tokenizer

import "unicode/utf8"

// ToValidUTF8 returns s with each maximal ill-formed subsequence replaced by
// one U+FFFD, the Unicode "substitution of maximal subparts" practice that
// Rust's String::from_utf8_lossy and Python's bytes.decode("utf-8",
// "replace") follow. (Go's strings.ToValidUTF8 instead replaces whole runs
// of bad bytes, and ranging over a string gives one U+FFFD per bad byte.)
// Encode applies it to invalid input.
func ToValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		if _, size := utf8.DecodeRuneInString(s[i:]); size > 1 {
			out = append(out, s[i:i+size]...)
			i += size
			continue
		}
		// Invalid here: skip the lead byte and as many following bytes as
		// could still continue a valid sequence begun by it.
		i += 1 + validPrefixTail(s[i:])
		out = append(out, "\uFFFD"...)
	}
	return string(out)
}

// validPrefixTail counts the continuation bytes after s[0] that form a
// valid but incomplete sequence with it (0 when s[0] cannot start one).
func validPrefixTail(s string) int {
	c := s[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF) // allowed range of the second byte
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 0
	}
	n := 0
	for n < need && 1+n < len(s) {
		b := s[1+n]
		if n == 0 && (b < lo || b > hi) || n > 0 && (b < 0x80 || b > 0xBF) {
			break
		}
		n++
	}
	return n
}
