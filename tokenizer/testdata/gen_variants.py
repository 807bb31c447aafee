#!/usr/bin/env python3
"""Small tokenizer.json variants exercising what the Gemma 3 file does not: lstrip / rstrip /
single_word / normalized added tokens, every Split behaviour (and invert), several Replace
normalizers and decoders, fuse_unk, no byte fallback, partial byte fallback, ignore_merges, a
template that adds BOS and EOS. Each is trained with HF `tokenizers` on a small fixed corpus and
written with goldens made by the same library. See NOTE.md.

  python3 gen_variants.py --out DIR     (writes DIR/<name>.json and DIR/<name>.golden.jsonl)
"""
import argparse
import json
import os

from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "a well-known fact: the state-of-the-art model is word-for-word identical",
    "über straße café naïve résumé",
    "hello world hello there hello again",
    "one-two-three four--five six",
    "wordy words worded word wordplay",
    "tab\tseparated\tvalues and  double  spaces",
] * 20

STRINGS = [
    "", " ", "  ", "-", "--", "a-b", "-a-", "a--b", "the quick-brown fox", "hello world",
    "word", "a word here", "words", "sword", "word-word", "(word)", "word,word",
    "x <lstrip> y", "x   <lstrip>", "<lstrip>", "   <lstrip>   ", "x <rstrip>   y", "<rstrip>\n\tz",
    "a <both>  b", "<both><both>", "  <both>  <both>  ", "<a b>", "x<a b>y", "<a▁b>", "<a  b>",
    "xy z", "xy  z", "xy▁z", "<sp>", "<sp><sp> <sp>", "<s>", "</s>", "<unk>", "hello <sp> world",
    "über 😀 straße", "日本語", "\u00e9\u0301", "tab\tand\ttabs", "mixed - dashes -- and ‐ unicode",
    "#hash# tag", "<lstrip><rstrip><both>", "word<sp>word", " word ", "wordword",
]


def base_pretok():
    return pre_tokenizers.Split(" ", behavior="merged_with_previous")


def train(model_kwargs, normalizer, pretok, special=(), vocab_size=300, byte_specials=256):
    tok = Tokenizer(models.BPE(**model_kwargs))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pretok
    specials = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(byte_specials)] + list(special)
    tr = trainers.BpeTrainer(vocab_size=vocab_size + len(specials), special_tokens=specials, show_progress=False)
    tok.train_from_iterator(CORPUS, tr)
    return tok


def std_decoder(extra=()):
    return decoders.Sequence([decoders.Replace("▁", " ")] + list(extra) + [decoders.ByteFallback(), decoders.Fuse()])


def variants():
    out = {}
    norm = normalizers.Replace(" ", "▁")
    # added tokens with every flag
    t = train(dict(unk_token="<unk>", byte_fallback=True), norm, base_pretok())
    t.decoder = std_decoder()
    t.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)])
    t.add_tokens([AddedToken("<lstrip>", lstrip=True, normalized=False),
                  AddedToken("<rstrip>", rstrip=True, normalized=False),
                  AddedToken("word", single_word=True, normalized=False),
                  AddedToken("xy z", normalized=True)])
    t.add_special_tokens([AddedToken("<both>", lstrip=True, rstrip=True, normalized=False, special=True),
                          AddedToken("<a b>", normalized=True, special=True),
                          AddedToken("<sp>", normalized=False, special=True)])
    out["added_flags"] = t
    # every split behaviour, with and without invert, two normalizers and decoders
    for beh in ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]:
        for inv in [False, True]:
            n = normalizers.Sequence([normalizers.Replace(" ", "▁"), normalizers.Replace("\t", "▁▁")])
            t = train(dict(unk_token="<unk>", byte_fallback=True), n, pre_tokenizers.Split("-", behavior=beh, invert=inv))
            t.decoder = std_decoder([decoders.Replace("#", "!")])
            out[f"split_{beh}{'_invert' if inv else ''}"] = t
    # multi-character split pattern
    t = train(dict(unk_token="<unk>", byte_fallback=True), norm, pre_tokenizers.Split("▁▁", behavior="isolated"))
    t.decoder = std_decoder()
    out["split_multichar"] = t
    # unknown characters without byte fallback, fused and not; ignore_merges
    for fuse in [False, True]:
        t = train(dict(unk_token="<unk>", fuse_unk=fuse, ignore_merges=fuse), norm, base_pretok(), byte_specials=0)
        t.decoder = std_decoder()
        out[f"unk_fuse_{str(fuse).lower()}"] = t
    # byte fallback with only the ASCII byte tokens: other bytes fall to <unk>
    t = train(dict(unk_token="<unk>", byte_fallback=True, fuse_unk=True), norm, base_pretok(), byte_specials=128)
    t.decoder = std_decoder()
    out["bytes_partial"] = t
    # no normalizer (a Split that removes spaces keeps them out of merges, which "a b" cannot hold)
    t = train(dict(unk_token="<unk>", byte_fallback=True), None, pre_tokenizers.Split(" ", behavior="removed"))
    t.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Fuse()])
    out["bare"] = t
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, tok in variants().items():
        with open(os.path.join(a.out, name + ".json"), "w", encoding="utf-8") as f:
            f.write(tok.to_str())
        with open(os.path.join(a.out, name + ".golden.jsonl"), "w", encoding="utf-8") as f:
            for s in STRINGS:
                e1 = tok.encode(s, add_special_tokens=True)
                e0 = tok.encode(s, add_special_tokens=False)
                f.write(json.dumps({
                    "text": s, "ids": e1.ids, "ids_no_special": e0.ids, "tokens_no_special": e0.tokens,
                    "decoded": tok.decode(e0.ids, skip_special_tokens=False),
                    "decoded_with_special": tok.decode(e1.ids, skip_special_tokens=False),
                    "decoded_skip_special": tok.decode(e1.ids, skip_special_tokens=True),
                }, ensure_ascii=False) + "\n")
        print(name)


if __name__ == "__main__":
    main()
