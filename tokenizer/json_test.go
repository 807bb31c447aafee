package tokenizer

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestFromJSONRefuses: every feature this package does not implement is a
// load error that names it, never silently ignored.
func TestFromJSONRefuses(t *testing.T) {
	base, err := os.ReadFile("testdata/variants/added_flags.json")
	if err != nil {
		t.Fatal(err)
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	cases := []struct {
		name string
		edit func(d map[string]any, m map[string]any)
		want string
	}{
		{"version", func(d, m map[string]any) { d["version"] = "2.0" }, "version"},
		{"truncation", func(d, m map[string]any) { d["truncation"] = raw(`{"max_length":8}`) }, "truncation"},
		{"padding", func(d, m map[string]any) { d["padding"] = raw(`{"strategy":"BatchLongest"}`) }, "padding"},
		{"model type", func(d, m map[string]any) { m["type"] = "WordPiece" }, `"WordPiece" is not supported`},
		{"dropout", func(d, m map[string]any) { m["dropout"] = 0.1 }, "dropout"},
		{"prefix", func(d, m map[string]any) { m["continuing_subword_prefix"] = "##" }, "continuing_subword_prefix"},
		{"suffix", func(d, m map[string]any) { m["end_of_word_suffix"] = "</w>" }, "end_of_word_suffix"},
		{"vocab gap", func(d, m map[string]any) { m["vocab"].(map[string]any)["e"] = 99999 }, "vocab ids"},
		{"merge unknown", func(d, m map[string]any) { m["merges"] = raw(`[["e","zz"]]`) }, `"zz" is not in the model vocabulary`},
		{"merge space", func(d, m map[string]any) { m["merges"] = raw(`[["e"," "]]`) }, "space"},
		{"legacy merge", func(d, m map[string]any) { m["merges"] = raw(`["e ▁ x"]`) }, "one space"},
		{"nfc", func(d, m map[string]any) { d["normalizer"] = raw(`{"type":"NFC"}`) }, `"NFC" is not supported`},
		{"regex replace", func(d, m map[string]any) {
			d["normalizer"] = raw(`{"type":"Replace","pattern":{"Regex":"\\s+"},"content":" "}`)
		}, "regex"},
		{"bytelevel", func(d, m map[string]any) { d["pre_tokenizer"] = raw(`{"type":"ByteLevel"}`) }, `"ByteLevel" is not supported`},
		{"split regex", func(d, m map[string]any) {
			d["pre_tokenizer"] = raw(`{"type":"Split","pattern":{"Regex":"\\d"},"behavior":"Isolated","invert":false}`)
		}, "regex"},
		{"no decoder", func(d, m map[string]any) { d["decoder"] = nil }, "missing decoder"},
		{"strip decoder", func(d, m map[string]any) {
			d["decoder"] = raw(`{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Strip","content":" ","start":1,"stop":0}]}`)
		}, `"Strip" here`},
		{"replace after bytes", func(d, m map[string]any) {
			d["decoder"] = raw(`{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Replace","pattern":{"String":"a"},"content":"b"}]}`)
		}, `"Replace" here`},
		{"roberta", func(d, m map[string]any) { d["post_processor"] = raw(`{"type":"RobertaProcessing"}`) }, "RobertaProcessing"},
		{"two prefix tokens", func(d, m map[string]any) {
			d["post_processor"] = raw(`{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}}`)
		}, "only [token] $A [token]"},
		{"added id", func(d, m map[string]any) {
			d["added_tokens"].([]any)[0].(map[string]any)["id"] = 7
		}, "would give it id 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d map[string]any
			dec := json.NewDecoder(bytes.NewReader(base))
			dec.UseNumber()
			if err := dec.Decode(&d); err != nil {
				t.Fatal(err)
			}
			c.edit(d, d["model"].(map[string]any))
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			_, err = FromJSON(bytes.NewReader(b))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
