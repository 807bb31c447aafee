#!/usr/bin/env python3
"""Single-thread throughput of HF `tokenizers` (Rust) on the corpus BenchmarkEncode uses: the texts of
golden.jsonl and golden_extra.jsonl.gz, encoded one string at a time with add_special_tokens=True.

  TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 python3 hf_throughput.py [--dir TESTDATA] [--rounds N]

Prints MB/s (UTF-8 input bytes) and tokens/s for encode() in a loop, for encode_batch() (1 rayon
thread) and decode. Compare with:  go test ./tokenizer -run X -bench 'Encode$|Decode' -benchtime 50x
"""
import argparse
import gzip
import json
import os
import time

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAYON_NUM_THREADS", "1")
from tokenizers import Tokenizer  # noqa: E402


def texts(d):
    out = []
    for name in ["golden.jsonl", "golden_extra.jsonl.gz"]:
        p = os.path.join(d, name)
        op = gzip.open if name.endswith(".gz") else open
        with op(p, "rt", encoding="utf-8") as f:
            out += [json.loads(line)["text"] for line in f]
    return out


def best_of(rounds, fn):
    best = None
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    return best, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    with gzip.open(os.path.join(a.dir, "tokenizer.json.gz"), "rt", encoding="utf-8") as f:
        tok = Tokenizer.from_str(f.read())
    ts = texts(a.dir)
    nbytes = sum(len(t.encode()) for t in ts)
    for t in ts:  # warm the caches as the Go benchmark's loop does
        tok.encode(t)

    dt, ntok = best_of(a.rounds, lambda: sum(len(tok.encode(t).ids) for t in ts))
    print(f"encode loop : {len(ts)} texts {nbytes} bytes {ntok} tokens: best {dt*1e3:.1f} ms = "
          f"{nbytes/dt/1e6:.2f} MB/s, {ntok/dt:.0f} tokens/s")
    dt, ntok = best_of(a.rounds, lambda: sum(len(e.ids) for e in tok.encode_batch(ts)))
    print(f"encode_batch: best {dt*1e3:.1f} ms = {nbytes/dt/1e6:.2f} MB/s, {ntok/dt:.0f} tokens/s")
    ids = [tok.encode(t).ids for t in ts]
    dt, _ = best_of(a.rounds, lambda: [tok.decode(x, skip_special_tokens=True) for x in ids])
    print(f"decode loop : best {dt*1e3:.1f} ms = {nbytes/dt/1e6:.2f} MB/s")


if __name__ == "__main__":
    main()
