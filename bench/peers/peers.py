#!/usr/bin/env python3
"""Measure t5go beside its peers, in one run on one machine, and print the ratios.

  - t5go:         t5go bench --json on synthetic T5Gemma 2 models (made and cached by t5go);
  - llama.cpp:    llama-bench on random Gemma 3 GGUFs of the same decoder shape (llama.cpp has
                  no T5Gemma 2; a T5Gemma 2 stack has the same layers as the Gemma 3 model of
                  its size, so pp512 is the encoder-prefill peer and tg64 the decode peer);
  - transformers: T5Gemma 2 on PyTorch CPU, the same shape, random weights.

llama.cpp and PyTorch come from the Debian sid chroot (default /opt/sid, as ../../../shared/peers
describes: python3-torch, python3-transformers, python3-gguf, llama.cpp); the Gemma 3 files are
made once in WORKDIR (inside the chroot) with gemma3_gguf.py and llama-quantize. Run as root from
the repository root, e.g.

  python3 bench/peers/peers.py --sizes 270m,1b --types q8_0,q4_0 --threads 1,2 --out peers.json

It prints a Markdown table; --out keeps every record (t5go's, llama-bench's and transformers').
With --rounds N the text figures of t5go and llama.cpp are taken N times, the two engines alternating
(t5go, llama.cpp, t5go, ...), so both see the same minutes of a machine whose speed drifts; the tables
then give each engine's median over all rounds' samples and the t5go / llama.cpp ratio of every round."""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log("$", " ".join(cmd))
    return subprocess.run(cmd, check=True, text=True, **kw)


class Peers:
    def __init__(self, a):
        self.a = a
        self.work = os.path.join(a.chroot, a.workdir.lstrip("/"))  # host path of the chroot's workdir
        os.makedirs(self.work, exist_ok=True)
        self.records = []  # as measured, each with its round
        self.round = 0

    def inside(self, name):  # path of a work file as the chroot sees it
        return os.path.join(self.a.workdir, name)

    def chroot(self, cmd, env=(), **kw):
        return run(["chroot", self.a.chroot, "env", *env, *cmd], **kw)

    def setup(self):
        tok = os.path.join(self.work, "tokenizer.json")
        if not os.path.exists(tok):
            with gzip.open(os.path.join(REPO, "tokenizer/gemma3/tokenizer.json.gz")) as src, open(tok, "wb") as dst:
                shutil.copyfileobj(src, dst)
        for f in ("gemma3_gguf.py", "torch_t5gemma2.py"):
            shutil.copy(os.path.join(HERE, f), self.work)
        self.t5go = self.a.t5go or os.path.join(self.work, "t5go")
        if not self.a.t5go:
            run(["go", "build", "-o", self.t5go, "./cmd/t5go"], cwd=REPO)

    def gemma3(self, size, typ):
        """The Gemma 3 GGUF of size and type, made if missing."""
        f16 = f"g3-{size}-f16.gguf"
        if not os.path.exists(os.path.join(self.work, f16)):
            self.chroot(["python3", self.inside("gemma3_gguf.py"), size, self.inside("tokenizer.json"),
                         self.inside(f16)], stdout=subprocess.DEVNULL)
        out = f"g3-{size}-{typ}.gguf"
        if not os.path.exists(os.path.join(self.work, out)):
            # --pure: the tied embedding in the same type too, as t5go stores it
            extra = ["--pure"] if typ == "q4_0" else []
            self.chroot(["llama-quantize", *extra, self.inside(f16), self.inside(out), typ.upper()],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self.inside(out)

    def t5go_bench(self, size, typ, image=False):
        """t5go bench's text figures (-p 512 -d 128 -b 1,8 by default), or with image=True only the image."""
        a = self.a
        cmd = [self.t5go, "bench", "--json", "--size", size, "--type", typ, "-t", a.threads, "-r", str(a.reps),
               "-n", str(a.ngen)]
        if image:
            cmd += ["-p", "", "-d", ""]
        else:
            cmd += ["--no-image", *a.t5go_args.split()]
        out = run(cmd, stdout=subprocess.PIPE).stdout
        for r in json.loads(out):
            r["engine"] = "t5go"
            r["size"] = size
            r["round"] = self.round
            self.records.append(r)

    def llama_bench(self, size, typ):
        a = self.a
        model = self.gemma3(size, typ)
        out = self.chroot(["llama-bench", "-m", model, "-t", a.threads, "-p", "512", "-n", str(a.llama_ngen),
                           "-r", str(a.reps), "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        for r in json.loads(out):
            s = r["samples_ts"]
            test = "prefill" if r["n_prompt"] else "decode"
            self.records.append(dict(engine="llama.cpp", size=size, type=typ, test=test, n_enc=0,
                                     n_prompt=r["n_prompt"], n_gen=r["n_gen"], threads=r["n_threads"],
                                     median_ts=statistics.median(s), min_ts=min(s), max_ts=max(s), samples_ts=s,
                                     model_type=r["model_type"], model_size=r["model_size"],
                                     build=f'{r["build_commit"]} {r["build_number"]}', cpu_info=r["cpu_info"],
                                     round=self.round))

    def torch(self, size, image=False):
        """transformers' text figures, or with image=True only the image (one run per thread count)."""
        a = self.a
        env = ["OPENBLAS_NUM_THREADS=1", "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread"]
        cmd = ["python3", self.inside("torch_t5gemma2.py"), size, a.torch_dtype, a.threads, "--reps", str(a.torch_reps),
               "--prefill", "512", "--decode", "128", "--ngen", str(a.ngen), "--no-image"]
        if image:
            cmd = cmd[:5] + ["--reps", "1", "--prefill", "", "--decode", ""]
        out = self.chroot(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        for line in out.splitlines():
            if line.startswith("{"):
                self.records.append(json.loads(line))

    def peak(self, engine, size, typ):
        """The record with the largest peak RSS of an engine's run (the whole-run peak)."""
        rs = [r for r in self.records if r["engine"] == engine and r["size"] == size and (typ is None or r["type"] == typ)
              and "peak_rss_bytes" in r]
        return max(rs, key=lambda r: r["peak_rss_bytes"]) if rs else None

    def find_all(self, engine, size, typ, test, threads, n_enc=None, batch=1):
        """Every round's record of one figure, in round order."""
        return [r for r in self.records
                if r["engine"] == engine and r["size"] == size and r["test"] == test and r["threads"] == threads
                and (typ is None or r["type"] == typ) and (n_enc is None or r["n_enc"] == n_enc)
                and r.get("batch", 1) == batch]

    def find(self, engine, size, typ, test, threads, n_enc=None, batch=1):
        """One figure: its record, or with several rounds one record over all their samples."""
        rs = self.find_all(engine, size, typ, test, threads, n_enc, batch)
        if len(rs) <= 1:
            return rs[0] if rs else None
        ts = [x for r in rs for x in rate_samples(r)]
        m = dict(rs[0], median_ts=statistics.median(ts), min_ts=min(ts), max_ts=max(ts), samples_ts=ts)
        if all("samples_s" in r for r in rs):
            ss = [x for r in rs for x in r["samples_s"]]
            m.update(median_s=statistics.median(ss), min_s=min(ss), max_s=max(ss), samples_s=ss)
        if "peak_rss_bytes" in rs[0]:
            m["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in rs)
        return m


def rate_samples(r):
    """A record's per-repetition rates: llama-bench gives them; t5go gives seconds for a fixed amount of
    work (median_ts · median_s)."""
    if "samples_ts" in r:
        return r["samples_ts"]
    work = r["median_ts"] * r["median_s"]
    return [work / s for s in r["samples_s"]]


def per_round(num, den):
    """The rate ratios num / den of the rounds both have, as text, or "" with fewer than two."""
    ds = {r["round"]: r for r in den}
    xs = [n["median_ts"] / ds[n["round"]]["median_ts"] for n in num if n["round"] in ds]
    return "" if len(xs) < 2 else " (rounds " + " / ".join(f"{x:.2f}" for x in xs) + ")"


def fmt(r, latency=False):
    if r is None:
        return "–"
    if latency == "rss":
        return f'{r["peak_rss_bytes"] / 2**30:.2f} GiB'
    if latency:
        return f'{r["median_s"]:.3g} s ({r["min_s"]:.3g}–{r["max_s"]:.3g})'
    return f'{r["median_ts"]:.3g} ({r["min_ts"]:.3g}–{r["max_ts"]:.3g})'


def ratio(a, b, latency=False):
    if a is None or b is None:
        return "–"
    if latency == "rss":
        x = b["peak_rss_bytes"] / a["peak_rss_bytes"]
    elif latency:
        x = b["median_s"] / a["median_s"]
    else:
        x = a["median_ts"] / b["median_ts"]
    return f"{x:.2f}×"


def table(p, sizes, types, threads):
    rows = ["Rates are median (min–max) over the repetitions; a ratio above 1 means t5go is ahead (faster, or "
            "smaller for memory).\n",
            "| size | type | threads | figure | t5go | llama.cpp | t5go vs llama.cpp | transformers "
            f"{p.a.torch_dtype} | t5go vs transformers |", "|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        for typ in types:
            for th in threads:
                figs = [
                    ("prefill 512 tok/s", p.find("t5go", size, typ, "prefill", th, 512),
                     p.find("llama.cpp", size, typ, "prefill", th), p.find("transformers", size, None, "prefill", th, 512), False),
                    (f"decode {p.a.ngen} after 128 (llama.cpp: tg{p.a.llama_ngen}), tok/s", p.find("t5go", size, typ, "decode", th, 128),
                     p.find("llama.cpp", size, typ, "decode", th), p.find("transformers", size, None, "decode", th, 128), False),
                    ("first token after 128", p.find("t5go", size, typ, "ttft", th, 128), None,
                     p.find("transformers", size, None, "ttft", th, 128), True),
                ]
                if th == threads[-1]:
                    figs.append(("peak RSS, whole run", p.peak("t5go", size, typ), None,
                                 p.peak("transformers", size, None), "rss"))
                rounds = [  # prefill and decode, the figures llama.cpp has, round by round
                    per_round(p.find_all("t5go", size, typ, "prefill", th, 512), p.find_all("llama.cpp", size, typ, "prefill", th)),
                    per_round(p.find_all("t5go", size, typ, "decode", th, 128), p.find_all("llama.cpp", size, typ, "decode", th)),
                ]
                for i, (name, t, l, h, lat) in enumerate(figs):
                    by = rounds[i] if i < len(rounds) else ""
                    rows.append(f"| {size} | {typ} | {th} | {name} | {fmt(t, lat)} | {fmt(l, lat)} | {ratio(t, l, lat)}{by} "
                                f"| {fmt(h, lat)} | {ratio(t, h, lat)} |")
    return "\n".join(rows)


def batch_table(p, sizes, types, threads):
    rows = ["\n| size | type | threads | decode, 1 sequence | 8 sequences together (aggregate) | ratio |",
            "|---|---|---|---|---|---|"]
    for size in sizes:
        for typ in types:
            for th in threads:
                one, eight = p.find("t5go", size, typ, "decode", th, 128), p.find("t5go", size, typ, "decode", th, 128, 8)
                by = per_round(p.find_all("t5go", size, typ, "decode", th, 128, 8), p.find_all("t5go", size, typ, "decode", th, 128))
                rows.append(f"| {size} | {typ} | {th} | {fmt(one)} | {fmt(eight)} | {ratio(eight, one)}{by} |")
    return "\n".join(rows)


def image_table(p, size, types, threads):
    rows = [f"\n| one 896×896 image ({size} synthetic, So400m tower) | threads | t5go | transformers "
            f"{p.a.torch_dtype} | t5go vs transformers |", "|---|---|---|---|---|"]
    for typ in types:
        for th in threads:
            t, h = p.find("t5go", size, typ, "image", th), p.find("transformers", size, None, "image", th)
            rows.append(f"| {typ} | {th} | {fmt(t, True)} | {fmt(h, True)} | {ratio(t, h, True)} |")
    return "\n".join(rows)


def t5go_tables(p, sizes, types):
    """t5go's own figures per size and type, as t5go bench prints them."""
    out = []
    for size in sizes:
        for typ in types:
            recs = [r for r in p.records if r["engine"] == "t5go" and r["size"] == size and r["type"] == typ]
            if not recs:
                continue
            out += [f"\n**t5go, {recs[0]['model_type']}, {typ}** ({recs[0]['model_size'] / 2**20:.0f} MiB, "
                    f"kernels {recs[0]['kernels']})\n",
                    "| test | n_enc | n_gen | batch | threads | median | min … max | spread | roofline | peak RSS |",
                    "|---|---|---|---|---|---|---|---|---|---|"]
            for r in recs:
                test = r["test"] + (f' (round {r["round"] + 1})' if p.a.rounds > 1 and r["test"] != "image" else "")
                lat = r["test"] in ("load", "ttft", "image")
                med = f'{r["median_s"]:.3g} s' if lat else f'{r["median_ts"]:.4g} tok/s'
                rng = f'{r["min_s"]:.3g} … {r["max_s"]:.3g} s' if lat else f'{r["min_ts"]:.4g} … {r["max_ts"]:.4g}'
                roof = "–" if r["roofline_pct"] is None else f'{r["roofline_pct"]:.0f}% {r["bound"]}'
                out.append(f'| {test} | {r["n_enc"] or "–"} | {r["n_gen"] or "–"} | {r.get("batch", 1)} | {r["threads"] or "–"} | {med} '
                           f'| {rng} | {r["spread_pct"]:.0f}% | {roof} | {r["peak_rss_bytes"] / 2**20:.0f} MiB |')
    return "\n".join(out)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="270m")
    ap.add_argument("--types", default="q8_0,q4_0")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of t5go and llama.cpp figures")
    ap.add_argument("--rounds", type=int, default=1, help="alternate t5go and llama.cpp this many times (text)")
    ap.add_argument("--torch-reps", type=int, default=2)
    ap.add_argument("--torch-dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--ngen", type=int, default=64, help="new tokens of t5go's and transformers' decode figures")
    ap.add_argument("--llama-ngen", type=int, default=128, help="llama-bench -n (tg128 is the usual figure)")
    ap.add_argument("--t5go-args", default="-p 512 -d 128 -b 1,8", help="t5go bench flags of the text runs")
    ap.add_argument("--image-types", default="f16,q8_0", help="t5go types of the image runs (first size only)")
    ap.add_argument("--no-image", action="store_true")
    ap.add_argument("--no-text", action="store_true", help="only the image figures")
    ap.add_argument("--prepare", action="store_true", help="only make the Gemma 3 files, measure nothing")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-llama", action="store_true")
    ap.add_argument("--chroot", default="/opt/sid")
    ap.add_argument("--workdir", default="/root/t5go-peers", help="work folder, as seen inside the chroot")
    ap.add_argument("--t5go", help="t5go binary (default: built from this repository)")
    ap.add_argument("--out", help="write every record to this JSON file")
    a = ap.parse_args()
    p = Peers(a)
    p.setup()
    sizes, types = a.sizes.split(","), a.types.split(",")
    if a.prepare:  # making models is CPU-heavy: do it before a quiet measuring window
        for size in sizes:
            for typ in types:
                p.gemma3(size, typ)
        return
    threads = [int(t) for t in a.threads.split(",")]
    start, load0 = time.time(), loadavg()
    for size in ([] if a.no_text else sizes):  # each size: the three engines one after another, to share the conditions
        for rnd in range(a.rounds):
            p.round = rnd
            for typ in types:
                p.t5go_bench(size, typ)
                if not a.no_llama:
                    p.llama_bench(size, typ)
        p.round = 0
        if not a.no_torch:
            p.torch(size)
    image_types = [] if a.no_image else a.image_types.split(",")
    for typ in image_types:  # the tower is the same at every size
        p.t5go_bench(sizes[0], typ, image=True)
    if image_types and not a.no_torch:
        p.torch(sizes[0], image=True)
    minutes, load1 = round((time.time() - start) / 60, 1), loadavg()
    if a.out:
        with open(a.out, "w") as f:
            json.dump(dict(records=p.records, started=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start)),
                           minutes=minutes, loadavg_start=load0, loadavg_end=load1), f, indent=1)
    print(f"run of {minutes} min from {time.strftime('%Y-%m-%d %H:%M', time.localtime(start))}; "
          f"load average (1, 5, 15 min) {load0} at the start, {load1} at the end\n")
    print(table(p, sizes, types, threads))
    print(batch_table(p, sizes, types, threads))
    if image_types:
        print(image_table(p, sizes[0], image_types, threads))
    print(t5go_tables(p, sizes, types))


if __name__ == "__main__":
    main()
