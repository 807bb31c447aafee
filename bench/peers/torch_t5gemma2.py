#!/usr/bin/env python3
"""Time transformers' T5Gemma 2 on PyTorch CPU at a t5go size, with random weights, on the
figures t5go bench measures; print one JSON record per figure (fields as in t5go bench --json).

usage: torch_t5gemma2.py SIZE DTYPE THREADS[,THREADS...] [--reps N] [--prefill 128,512]
                         [--decode 128,512] [--ngen 64] [--no-image]

Runs inside the Debian sid chroot (python3-torch, python3-transformers). Run it with
OPENBLAS_NUM_THREADS=1 and the OpenBLAS library path (see peers.py): Debian's torch calls the
system BLAS for float32 matrix products, and two OpenBLAS threads beside two torch threads
oversubscribe a 2-core machine."""
import argparse
import json
import resource
import statistics
import time

import torch
from transformers import T5Gemma2Config, T5Gemma2ForConditionalGeneration

# hidden, layers, FFN; heads 4, KV heads 1, head dim 256, window 512 (t5gemma.SizeConfig)
SHAPES = {"270m": (640, 18, 2048), "1b": (1152, 26, 6912)}


def config(size):
    H, L, F = SHAPES[size]
    text = dict(vocab_size=262144, hidden_size=H, intermediate_size=F, num_hidden_layers=L,
                num_attention_heads=4, num_key_value_heads=1, head_dim=256, sliding_window=512,
                query_pre_attn_scalar=256, max_position_embeddings=32768, rms_norm_eps=1e-6,
                hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True,
                rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1e6},
                                 "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}},
                layer_types=["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(L)])
    vision = dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16,
                  image_size=896, patch_size=14, num_channels=3, layer_norm_eps=1e-6, vision_use_head=False)
    return T5Gemma2Config(encoder=dict(text_config=text, vision_config=vision, mm_tokens_per_image=256),
                          decoder=dict(text), tie_word_embeddings=True)


def ints(s):
    return [int(x) for x in s.split(",") if x]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("size", choices=sorted(SHAPES))
    ap.add_argument("dtype", choices=["float32", "bfloat16"])
    ap.add_argument("threads", type=ints)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prefill", type=ints, default=[128, 512])
    ap.add_argument("--decode", type=ints, default=[128, 512])
    ap.add_argument("--ngen", type=int, default=64)
    ap.add_argument("--no-image", action="store_true")
    a = ap.parse_args()

    dtype = getattr(torch, a.dtype)
    torch.manual_seed(0)
    torch.set_default_dtype(dtype)  # build in dtype: no float32 copy in the peak RSS
    start = time.perf_counter()
    model = T5Gemma2ForConditionalGeneration(config(a.size)).eval()
    torch.set_default_dtype(torch.float32)
    init_s = time.perf_counter() - start
    base = dict(engine="transformers", version=__import__("transformers").__version__, torch=torch.__version__,
                size=a.size, type=a.dtype, batch=1, init_s=round(init_s, 2),
                model_n_params=sum(p.numel() for p in model.parameters()))
    enc = model.get_encoder()
    g = torch.Generator().manual_seed(1)

    def ids(n):
        x = torch.randint(3, 255000, (1, n), generator=g)
        return x, torch.ones_like(x)

    def record(test, n_enc, n_gen, threads, samples, units):
        s = sorted(samples)
        med = statistics.median(s)
        r = dict(base, test=test, n_enc=n_enc, n_gen=n_gen, threads=threads, reps=len(s),
                 samples_s=[round(x, 5) for x in samples], median_s=med, min_s=s[0], max_s=s[-1],
                 median_ts=units / med, min_ts=units / s[-1], max_ts=units / s[0],
                 peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        print(json.dumps(r), flush=True)

    def timed(fn, reps, warmup=1):
        for _ in range(warmup):
            fn()
        out = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return out

    with torch.inference_mode():
        for th in a.threads:
            torch.set_num_threads(th)
            for n in a.prefill:  # the encoder alone
                x, m = ids(n)
                record("prefill", n, 0, th, timed(lambda: enc(input_ids=x, attention_mask=m), a.reps), n)
            for n in a.decode:
                x, m = ids(n)
                # time to first token: encoder and one generated token
                record("ttft", n, 1, th, timed(lambda: model.generate(
                    input_ids=x, attention_mask=m, max_new_tokens=1, do_sample=False), a.reps), 1)
                # decode: generate() from the encoder's output, so the encoder is not timed;
                # min_new_tokens keeps random weights from stopping early at EOS
                eo = enc(input_ids=x, attention_mask=m)
                record("decode", n, a.ngen, th, timed(lambda: model.generate(
                    encoder_outputs=eo, attention_mask=m, max_new_tokens=a.ngen, min_new_tokens=a.ngen,
                    do_sample=False), a.reps), a.ngen)
            if not a.no_image:  # one 896×896 image: vision tower and projector, no warm-up
                px = torch.randn(1, 3, 896, 896, generator=g).to(dtype)
                record("image", 0, 0, th, timed(lambda: model.get_image_features(pixel_values=px), 1, 0), 1)


if __name__ == "__main__":
    main()
