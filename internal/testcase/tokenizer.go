package testcase

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/t5go/t5go/t5gemma"
)

// The fixtures' checkpoints have a 512-entry vocabulary and no tokenizer.
// TinyTokenizer writes a tokenizer.json for them in which every ordinary id
// is one CJK character (so a text spells any id sequence exactly), id 108 is
// "\n\n" (the id the oracle uses around image blocks), "\n" takes an id the
// golden inputs never use, and the image ids are the literal special tokens.
func TinyTokenizer(t testing.TB, dir string, unused int32) {
	t.Helper()
	c, err := t5gemma.ReadHFConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	vocab := c.Vocab
	pieces := map[int32]string{0: "<pad>", 1: "<eos>", 2: "<bos>", 3: "<unk>", 108: "\n\n", unused: "\n",
		c.BOI: "<start_of_image>", c.EOI: "<end_of_image>", c.ImageToken: "<image_soft_token>"}
	vocabMap := map[string]int32{}
	for id := range int32(vocab) {
		p, ok := pieces[id]
		if !ok {
			p = Spell(id)
		}
		vocabMap[p] = id
	}
	var added []map[string]any
	for _, id := range []int32{0, 1, 2, 3, c.BOI, c.EOI, c.ImageToken} {
		added = append(added, map[string]any{"id": id, "content": pieces[id], "single_word": false, "lstrip": false,
			"rstrip": false, "normalized": false, "special": true})
	}
	tj := map[string]any{
		"version": "1.0", "truncation": nil, "padding": nil, "added_tokens": added,
		"normalizer":    map[string]any{"type": "Replace", "pattern": map[string]any{"String": " "}, "content": "▁"},
		"pre_tokenizer": map[string]any{"type": "Split", "pattern": map[string]any{"String": " "}, "behavior": "MergedWithPrevious", "invert": false},
		"post_processor": map[string]any{"type": "TemplateProcessing",
			"single":         []any{map[string]any{"SpecialToken": map[string]any{"id": "<bos>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"pair":           []any{map[string]any{"SpecialToken": map[string]any{"id": "<bos>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}, map[string]any{"SpecialToken": map[string]any{"id": "<bos>", "type_id": 1}}, map[string]any{"Sequence": map[string]any{"id": "B", "type_id": 1}}},
			"special_tokens": map[string]any{"<bos>": map[string]any{"id": "<bos>", "ids": []int{2}, "tokens": []string{"<bos>"}}}},
		"decoder": map[string]any{"type": "Sequence", "decoders": []any{
			map[string]any{"type": "Replace", "pattern": map[string]any{"String": "▁"}, "content": " "},
			map[string]any{"type": "ByteFallback"}, map[string]any{"type": "Fuse"}}},
		"model": map[string]any{"type": "BPE", "dropout": nil, "unk_token": "<unk>", "continuing_subword_prefix": nil,
			"end_of_word_suffix": nil, "fuse_unk": true, "byte_fallback": false, "ignore_merges": false,
			"vocab": vocabMap, "merges": [][]string{{"\n", "\n"}}},
	}
	b, err := json.Marshal(tj)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func cjk(id int32) string { return string(rune(0x4E00 + id)) }

// Spell is the one-character text of id in TinyTokenizer's vocabulary.
func Spell(id int32) string { return string(rune(0x4E00 + id)) }
