// Package tokenizer is a pure-Go BPE tokenizer that reproduces Hugging Face
// `tokenizers` (0.23) exactly for the Gemma 3 tokenizer.json that T5Gemma 2
// ships, and for other tokenizer.json files built from the same parts: a
// BPE model (byte fallback, unk fusing, ignore_merges), Replace
// normalizers, a literal Split pre-tokenizer (any behaviour), added tokens
// with their lstrip / rstrip / single_word / normalized flags, a
// TemplateProcessing that adds one token before and/or after, and
// Replace / ByteFallback / Fuse decoders. Anything else (other models,
// regex patterns, NFC and other normalizers, truncation, padding, dropout)
// is refused at load with an error that names it, never ignored. Merges
// whose tokens contain a space are refused too: "left right" cannot hold
// them.
//
// Encoding follows HF's pipeline: added tokens that are not normalized are
// cut out of the raw text (leftmost-longest), the rest is normalized,
// normalized added tokens are cut out, the pre-tokenizer splits, and each
// piece goes through BPE: merges by rank, leftmost first, with a heap over a
// linked list of symbols (no rescans); characters missing from the
// vocabulary become <0xNN> byte tokens. HF runs BPE over a whole piece (for
// Gemma, whole lines); this package also cuts pieces before each '▁' where
// the merge list proves no merge can join across (see spaceSplit), which
// gives the same tokens and lets a lock-free word cache serve most words.
// Decoding applies the decoder chain as HF does, including its quirks: a
// run of byte tokens that is not valid UTF-8 becomes one U+FFFD per byte.
//
// Invalid UTF-8 input (which HF's Python binding cannot even receive) is
// first repaired the way Rust's String::from_utf8_lossy and Python's
// bytes.decode("utf-8", "replace") do it: each maximal ill-formed
// subsequence becomes one U+FFFD (see ToValidUTF8). Encode never panics
// and returns no error.
//
// Loading: FromGGUF shares the GGUF file's arrays and takes about a
// millisecond for Gemma's 262K tokens; the lookup tables Encode needs (a
// 16 MB merge table, a string index) are built once on first use, or by
// Prepare, which also checks the merges and added tokens the way HF does on
// load. FromJSON calls Prepare. A Tokenizer is safe for concurrent use.
//
// GGUF keys: llama.cpp's tokenizer.ggml.{model,pre,tokens,scores,
// token_type,merges,bos_token_id,eos_token_id,padding_token_id,
// unknown_token_id,add_bos_token,add_eos_token,add_space_prefix}, plus
// t5go.tokenizer.* for what llama.cpp has no key for (added-token flags,
// normalizer, split, decoder, model size, and the merges as token ids so
// that loading needs no string lookups). See gguf.go.
package tokenizer
