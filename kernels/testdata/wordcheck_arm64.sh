#!/bin/sh
# Checks every `WORD $0x... // <instruction>` in kernels/*_arm64.s: the
# instruction in the comment, assembled by llvm-mc, must encode to the word.
# Run from anywhere; needs llvm-mc (Debian: apt-get install llvm). Exits 1
# on a mismatch, 0 when all agree, and prints how many words it checked.
set -eu
dir=$(cd "$(dirname "$0")/.." && pwd)
command -v llvm-mc >/dev/null || { echo "wordcheck: llvm-mc not found (apt-get install llvm)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# file:line, word and the comment's instruction (up to a second //), tab-separated.
grep -n -o 'WORD \$0x[0-9a-fA-F]\{8\} // [^/]*' "$dir"/*_arm64.s |
	sed 's|^\([^:]*:[0-9]*\):WORD \$0x\([0-9a-fA-F]*\) // \(.*[^ ]\) *$|\1\t\2\t\3|' >"$tmp/words"
cut -f3 "$tmp/words" >"$tmp/ins.s"
llvm-mc -triple=aarch64 -mattr=+dotprod -show-encoding "$tmp/ins.s" 2>"$tmp/err" |
	sed -n 's/.*encoding: \[0x\(..\),0x\(..\),0x\(..\),0x\(..\)\].*/\4\3\2\1/p' >"$tmp/enc"
if [ -s "$tmp/err" ]; then
	cat "$tmp/err"
	exit 1
fi
cut -f1,2 "$tmp/words" | paste - "$tmp/enc" | awk -F'\t' '
	{ n++ }
	tolower($2) != tolower($3) { print "wordcheck: " $1 ": WORD 0x" $2 " but the comment encodes to 0x" $3; bad = 1 }
	END { print "wordcheck: " n " words checked"; exit bad }'
