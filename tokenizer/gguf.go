package tokenizer

import (
	"fmt"

	"github.com/t5go/t5go/gguf"
)

// GGUF keys. The tokenizer.ggml.* ones follow llama.cpp; the t5go ones hold
// what llama.cpp has no key for, so that the file reproduces the
// tokenizer.json behaviour exactly.
const (
	keyModel      = "tokenizer.ggml.model"
	keyPre        = "tokenizer.ggml.pre"
	keyTokens     = "tokenizer.ggml.tokens"
	keyScores     = "tokenizer.ggml.scores"
	keyTypes      = "tokenizer.ggml.token_type"
	keyMerges     = "tokenizer.ggml.merges"
	keyBOS        = "tokenizer.ggml.bos_token_id"
	keyEOS        = "tokenizer.ggml.eos_token_id"
	keyPAD        = "tokenizer.ggml.padding_token_id"
	keyUNK        = "tokenizer.ggml.unknown_token_id"
	keyAddBOS     = "tokenizer.ggml.add_bos_token"
	keyAddEOS     = "tokenizer.ggml.add_eos_token"
	keySpacePre   = "tokenizer.ggml.add_space_prefix"
	keyVersion    = "t5go.tokenizer.version"
	keyModelSize  = "t5go.tokenizer.model_size"
	keyAddedIDs   = "t5go.tokenizer.added_ids"
	keyAddedFlags = "t5go.tokenizer.added_flags" // bits: addedSpecial...
	keyByteFB     = "t5go.tokenizer.byte_fallback"
	keyFuseUnk    = "t5go.tokenizer.fuse_unk"
	keyIgnore     = "t5go.tokenizer.ignore_merges"
	keyNormalizer = "t5go.tokenizer.normalizer_replace" // old, new, old, new, ...
	keySplit      = "t5go.tokenizer.split"
	keySplitBeh   = "t5go.tokenizer.split_behavior" // HF's name, "" for none
	keySplitInv   = "t5go.tokenizer.split_invert"
	keyDecReplace = "t5go.tokenizer.decoder_replace" // old, new, ...
	keyDecByteFB  = "t5go.tokenizer.decoder_byte_fallback"
	keyMergeIDs   = "t5go.tokenizer.merge_ids" // left, right, result per merge
)

const ggufVersion = 1

// Bits of t5go.tokenizer.added_flags.
const (
	addedSpecial = 1 << iota
	addedNormalized
	addedLStrip
	addedRStrip
	addedSingleWord
)

// WriteGGUF declares the tokenizer's metadata on w. The merges are also
// stored as token ids, so that FromGGUF need not look strings up.
func WriteGGUF(w *gguf.Writer, v Vocab) error {
	t, err := New(v)
	if err != nil {
		return err
	}
	if err := t.Prepare(); err != nil {
		return err
	}
	v = t.v // with default scores and types filled in
	ids := make([]int32, 0, 3*len(v.Merges))
	for rank, m := range v.Merges {
		sp := indexSpace(m)
		l, _ := t.modelID(m[:sp])
		r, _ := t.modelID(m[sp+1:])
		res, _ := t.modelID(m[:sp] + m[sp+1:])
		if l < 0 || r < 0 || res < 0 {
			return fmt.Errorf("tokenizer: merge %d %q: token not in the vocabulary", rank, m)
		}
		ids = append(ids, l, r, res)
	}
	addedIDs := make([]int32, len(v.Added))
	addedFlags := make([]int32, len(v.Added))
	for i, a := range v.Added {
		addedIDs[i] = a.ID
		addedFlags[i] = flagBits(a)
	}
	kv := []struct {
		key string
		val any
	}{
		{keyModel, "llama"}, // SentencePiece-style pieces ('▁', <0xNN>), as llama.cpp files Gemma
		{keyPre, "default"},
		{keyTokens, v.Tokens},
		{keyScores, v.Scores},
		{keyTypes, v.Types},
		{keyMerges, v.Merges},
		{keyAddBOS, v.AddBOS},
		{keyAddEOS, v.AddEOS},
		{keySpacePre, false},
		{keyVersion, uint32(ggufVersion)},
		{keyModelSize, uint32(v.ModelSize)},
		{keyAddedIDs, addedIDs},
		{keyAddedFlags, addedFlags},
		{keyByteFB, v.ByteFallback},
		{keyFuseUnk, v.FuseUnk},
		{keyIgnore, v.IgnoreMerges},
		{keyNormalizer, flatten(v.Normalizer)},
		{keySplit, v.Split},
		{keySplitBeh, v.SplitBehavior.String()},
		{keySplitInv, v.SplitInvert},
		{keyDecReplace, flatten(v.DecodeReplace)},
		{keyDecByteFB, v.DecodeByteFallback},
		{keyMergeIDs, ids},
	}
	for _, id := range []struct {
		key string
		id  int32
	}{{keyBOS, v.BOS}, {keyEOS, v.EOS}, {keyPAD, v.PAD}, {keyUNK, v.UNK}} {
		if id.id >= 0 {
			kv = append(kv, struct {
				key string
				val any
			}{id.key, uint32(id.id)})
		}
	}
	for _, x := range kv {
		if err := w.SetKV(x.key, x.val); err != nil {
			return fmt.Errorf("tokenizer: %w", err)
		}
	}
	return nil
}

func indexSpace(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return i
		}
	}
	return -1
}

func flagBits(a AddedToken) int32 {
	var f int32
	for bit, on := range map[int32]bool{addedSpecial: a.Special, addedNormalized: a.Normalized,
		addedLStrip: a.LStrip, addedRStrip: a.RStrip, addedSingleWord: a.SingleWord} {
		if on {
			f |= bit
		}
	}
	return f
}

func flatten(rs []Replace) []string {
	out := make([]string, 0, 2*len(rs))
	for _, r := range rs {
		out = append(out, r.Old, r.New)
	}
	return out
}

func unflatten(key string, s []string) ([]Replace, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("tokenizer: gguf key %q: odd number of strings %d", key, len(s))
	}
	var out []Replace
	for i := 0; i < len(s); i += 2 {
		out = append(out, Replace{s[i], s[i+1]})
	}
	return out, nil
}
