package tokenizer

import (
	"fmt"

	"github.com/t5go/t5go/gguf"
)

// FromGGUF rebuilds a tokenizer that WriteGGUF stored. It shares the
// file's metadata slices (which outlive Close) and does no per-token work,
// so it takes milliseconds; Encode builds its tables on first use (see
// Prepare). Vocabularies that llama.cpp converted from SentencePiece have
// no merges and no t5go keys, and are refused.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	if !f.Has(keyVersion) {
		return nil, fmt.Errorf("tokenizer: gguf has no %s key: not written by t5go (SentencePiece-score vocabularies without merges are not supported)", keyVersion)
	}
	r := ggufReader{f: f}
	if ver := r.u32(keyVersion); r.err == nil && ver != ggufVersion {
		return nil, fmt.Errorf("tokenizer: gguf %s is %d, want %d", keyVersion, ver, ggufVersion)
	}
	var v Vocab
	v.Tokens = r.strs(keyTokens)
	v.Scores = r.floats(keyScores)
	v.Types = r.int32s(keyTypes)
	v.Merges = r.strs(keyMerges)
	v.BOS, v.EOS, v.PAD, v.UNK = r.optID(keyBOS), r.optID(keyEOS), r.optID(keyPAD), r.optID(keyUNK)
	v.AddBOS, v.AddEOS = r.boolean(keyAddBOS), r.boolean(keyAddEOS)
	v.ModelSize = int(r.u32(keyModelSize))
	ids, flags := r.int32s(keyAddedIDs), r.int32s(keyAddedFlags)
	if r.err == nil && len(ids) != len(flags) {
		return nil, fmt.Errorf("tokenizer: gguf: %d added ids but %d added flags", len(ids), len(flags))
	}
	for i, id := range ids {
		fl := flags[i]
		if fl&^(addedSingleWord<<1-1) != 0 {
			return nil, fmt.Errorf("tokenizer: gguf: added token %d has unknown flags %#x", id, fl)
		}
		v.Added = append(v.Added, AddedToken{ID: id, Special: fl&addedSpecial != 0, Normalized: fl&addedNormalized != 0,
			LStrip: fl&addedLStrip != 0, RStrip: fl&addedRStrip != 0, SingleWord: fl&addedSingleWord != 0})
	}
	v.ByteFallback, v.FuseUnk, v.IgnoreMerges = r.boolean(keyByteFB), r.boolean(keyFuseUnk), r.boolean(keyIgnore)
	v.Split = r.str(keySplit)
	beh := r.str(keySplitBeh)
	v.SplitInvert = r.boolean(keySplitInv)
	v.DecodeByteFallback = r.boolean(keyDecByteFB)
	norm, dec := r.strs(keyNormalizer), r.strs(keyDecReplace)
	var mergeIDs []int32
	if f.Has(keyMergeIDs) {
		mergeIDs = r.int32s(keyMergeIDs)
	}
	if r.err != nil {
		return nil, r.err
	}
	if beh != "" {
		b, ok := parseSplitBehavior(beh)
		if !ok {
			return nil, fmt.Errorf("tokenizer: gguf %s %q is not a split behavior", keySplitBeh, beh)
		}
		v.SplitBehavior = b
	}
	var err error
	if v.Normalizer, err = unflatten(keyNormalizer, norm); err != nil {
		return nil, err
	}
	if v.DecodeReplace, err = unflatten(keyDecReplace, dec); err != nil {
		return nil, err
	}
	return newTokenizer(v, mergeIDs)
}

// ggufReader reads keys and keeps the first error.
type ggufReader struct {
	f   *gguf.File
	err error
}

func (r *ggufReader) fail(err error) {
	if r.err == nil && err != nil {
		r.err = fmt.Errorf("tokenizer: %w", err)
	}
}

func (r *ggufReader) u32(k string) uint32 {
	x, err := r.f.Uint32(k)
	r.fail(err)
	return x
}

func (r *ggufReader) str(k string) string {
	x, err := r.f.String(k)
	r.fail(err)
	return x
}

func (r *ggufReader) boolean(k string) bool {
	x, err := r.f.Bool(k)
	r.fail(err)
	return x
}

func (r *ggufReader) strs(k string) []string {
	x, err := r.f.Strings(k)
	r.fail(err)
	return x
}

func (r *ggufReader) floats(k string) []float32 {
	x, err := r.f.Float32s(k)
	r.fail(err)
	return x
}

// int32s shares an int32 array; other integer arrays are converted.
func (r *ggufReader) int32s(k string) []int32 {
	if v, ok := r.f.Value(k); ok {
		if x, ok := v.([]int32); ok {
			return x
		}
	}
	x, err := r.f.Int32s(k)
	r.fail(err)
	return x
}

// optID reads a token id key, -1 when absent.
func (r *ggufReader) optID(k string) int32 {
	if !r.f.Has(k) {
		return -1
	}
	x := r.u32(k)
	if x > 1<<31-1 {
		r.fail(fmt.Errorf("gguf key %q: id %d too large", k, x))
		return -1
	}
	return int32(x)
}
