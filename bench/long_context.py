#!/usr/bin/env python3
"""Long inputs on a synthetic model: encode time, peak RSS, decode speed after the input, and the
second question's time to first token in an encode-once session.

For each LENGTH:CROSS (default 4096:q8_0 16384:q8_0 32768:q8_0 32768:f16 131072:q8_0) it writes a
document of just under LENGTH tokens (the repository's Go sources, repeated; counted with
`t5go tokenize`), then runs, one process per length so each peak RSS is its own,

  t5go generate -m MODEL -f doc.txt -p "first question" -p "second question" -n 16 -t THREADS --cross-type CROSS

under /usr/bin/time -v, and prints a Markdown table from t5go's timing lines and the peak RSS.
Run from the repository root:

  python3 bench/long_context.py [--model FILE] [--threads 2] [LENGTH:CROSS ...]

The default model is the cached 270M Q8_0 synthetic model (`t5go bench` makes it)."""
import argparse
import json
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def count(t5go, model, text):
    out = subprocess.run([t5go, "tokenize", "--vocab", model, "--jsonl"], input=json.dumps({"text": text}) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return len(json.loads(out)["ids"])


def document(t5go, model, tokens, base):
    """The longest prefix of base with at most tokens-8 tokens (room for BOS/EOS)."""
    lo, hi = 0, min(len(base), tokens * 4)
    while hi - lo > 50:
        mid = (lo + hi) // 2
        if count(t5go, model, base[:mid]) <= tokens - 8:
            lo = mid
        else:
            hi = mid
    return base[:lo]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="*", default=["4096:q8_0", "16384:q8_0", "32768:q8_0", "32768:f16", "131072:q8_0"])
    ap.add_argument("--model", default=os.path.expanduser("~/.cache/t5go/t5gemma2-270m-q8_0-synthetic-seed0.gguf"))
    ap.add_argument("--threads", default="2")
    ap.add_argument("--work", default="/tmp/t5go-long")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    t5go = os.path.join(a.work, "t5go")
    subprocess.run(["go", "build", "-o", t5go, "./cmd/t5go"], cwd=REPO, check=True)
    files = subprocess.run(["git", "ls-files", "*.go"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    base = ""
    for f in files:
        with open(os.path.join(REPO, f), encoding="utf-8") as fh:
            # image placeholders in the text would ask for images
            base += "".join(l for l in fh if "_of_image" not in l)
    while len(base) < 700_000:
        base += base
    rows = ["| encoder tokens | cross K/V | encode | peak RSS | 1st question: first token, decode | "
            "2nd question: first token, decode | 2nd TTFT ÷ 1st |", "|---|---|---|---|---|---|---|"]
    for run in a.runs:
        length, cross = run.split(":")
        doc = os.path.join(a.work, f"doc{length}.txt")
        if not os.path.exists(doc):
            with open(doc, "w", encoding="utf-8") as f:
                f.write(document(t5go, a.model, int(length), base))
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"{length} tokens, {cross} cross K/V, load average {load}", file=sys.stderr, flush=True)
        p = subprocess.run(["/usr/bin/time", "-v", t5go, "generate", "-m", a.model, "-f", doc, "-p", "first question",
                            "-p", "second question", "-n", "16", "-t", a.threads, "--cross-type", cross],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr)
        enc = re.search(r"encoded (\d+) tokens once in (\d+) ms", p.stderr)
        qs = re.findall(r"first token after ([\d.]+) ms, (\d+) tokens at ([\d.]+) tok/s", p.stderr)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) * 1024
        enc_ms = int(enc.group(2))
        ttft1, ttft2 = enc_ms + float(qs[0][0]), float(qs[1][0])
        rows.append(f"| {int(enc.group(1)):,} | {cross} | {enc_ms / 1000:.1f} s | {rss / 2**30:.2f} GiB "
                    f"| {ttft1 / 1000:.2f} s, {qs[0][2]} tok/s | {ttft2:.0f} ms, {qs[1][2]} tok/s "
                    f"| {100 * ttft2 / ttft1:.2f}% |")
        print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
