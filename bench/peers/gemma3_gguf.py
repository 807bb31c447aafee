#!/usr/bin/env python3
"""Write a random-weight Gemma 3 GGUF (f16) for llama.cpp with the decoder shape of a
T5Gemma 2 size, so that llama-bench runs the same layers t5go's decoder (and encoder) does.

usage: gemma3_gguf.py {270m|1b} TOKENIZER_JSON OUT.gguf

Needs python3-gguf and numpy (the Debian sid chroot has both). The tokenizer is Gemma 3's,
written the way llama.cpp stores a SentencePiece vocabulary (tokenizer.ggml.model = llama):
llama-bench feeds random token ids, so only loading matters. Quantize the result with
llama-quantize (Q8_0; Q4_0 --pure to keep the tied embedding Q4_0 as t5go does)."""
import json
import sys

import numpy as np
import gguf

# hidden, layers, FFN (heads 4, KV heads 1, head dim 256, window 512 for both sizes):
# the text shapes of t5gemma.SizeConfig
SHAPES = {"270m": (640, 18, 2048), "1b": (1152, 26, 6912)}
VOCAB = 262144


def vocab(tokenizer_json):
    """Tokens by id, scores and llama.cpp token types from a tokenizer.json."""
    with open(tokenizer_json, encoding="utf-8") as f:
        tj = json.load(f)
    tokens = [""] * VOCAB
    for piece, i in tj["model"]["vocab"].items():
        if i < VOCAB:
            tokens[i] = piece
    types = [gguf.TokenType.NORMAL] * VOCAB
    for a in tj["added_tokens"]:
        if a["id"] >= VOCAB:  # <image_soft_token> lies past the text embedding
            continue
        tokens[a["id"]] = a["content"]
        types[a["id"]] = gguf.TokenType.CONTROL if a["special"] else gguf.TokenType.USER_DEFINED
    for i, t in enumerate(tokens):
        if len(t) == 6 and t.startswith("<0x") and t.endswith(">"):
            types[i] = gguf.TokenType.BYTE
        elif t == "<unk>":
            types[i] = gguf.TokenType.UNKNOWN
        elif t == "":
            tokens[i], types[i] = f"<unused_gap_{i}>", gguf.TokenType.UNUSED
    scores = [-float(i) for i in range(VOCAB)]
    return tokens, scores, types


def main():
    size, tok_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    H, L, F = SHAPES[size]
    heads, kv, d, window = 4, 1, 256, 512
    w = gguf.GGUFWriter(out, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.GEMMA3])
    w.add_name(f"random gemma3 {size} (t5go peers)")
    w.add_context_length(32768)
    w.add_embedding_length(H)
    w.add_block_count(L)
    w.add_feed_forward_length(F)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_key_length(d)
    w.add_value_length(d)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1e6)
    w.add_sliding_window(window)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    tokens, scores, types = vocab(tok_path)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(2)
    w.add_eos_token_id(1)
    w.add_unk_token_id(3)
    w.add_pad_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)

    rng = np.random.default_rng(0)

    def matrix(rows, cols):  # numpy [rows, cols] = ggml [cols → rows]
        a = rng.standard_normal((rows, cols), dtype=np.float32)
        a *= 1 / np.sqrt(cols)
        return a.astype(np.float16)

    def norm(n):  # llama.cpp multiplies by the stored weight (the converter adds Gemma's 1)
        return (1 + 0.1 * rng.standard_normal(n, dtype=np.float32)).astype(np.float32)

    name = lambda t, i=None: gguf.TENSOR_NAMES[t].format(bid=i) + ".weight"
    T = gguf.MODEL_TENSOR
    w.add_tensor(name(T.TOKEN_EMBD), (0.5 * matrix(VOCAB, H)).astype(np.float16))
    for i in range(L):
        w.add_tensor(name(T.ATTN_NORM, i), norm(H))
        w.add_tensor(name(T.ATTN_Q, i), matrix(heads * d, H))
        w.add_tensor(name(T.ATTN_K, i), matrix(kv * d, H))
        w.add_tensor(name(T.ATTN_V, i), matrix(kv * d, H))
        w.add_tensor(name(T.ATTN_Q_NORM, i), norm(d))
        w.add_tensor(name(T.ATTN_K_NORM, i), norm(d))
        w.add_tensor(name(T.ATTN_OUT, i), matrix(H, heads * d))
        w.add_tensor(name(T.ATTN_POST_NORM, i), norm(H))
        w.add_tensor(name(T.FFN_PRE_NORM, i), norm(H))
        w.add_tensor(name(T.FFN_GATE, i), matrix(F, H))
        w.add_tensor(name(T.FFN_UP, i), matrix(F, H))
        w.add_tensor(name(T.FFN_DOWN, i), matrix(H, F))
        w.add_tensor(name(T.FFN_POST_NORM, i), norm(H))
    w.add_tensor(name(T.OUTPUT_NORM), norm(H))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print("wrote", out)


if __name__ == "__main__":
    main()
