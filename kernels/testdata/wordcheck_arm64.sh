#!/bin/sh
# Checks every `WORD $0x... // <instruction>` in kernels/*_arm64.s: the word,
# disassembled by llvm-mc, must be the instruction in the comment. Run from
# anywhere; needs llvm-mc (Debian: apt-get install llvm). Exits 1 on a
# mismatch, 0 when all agree; prints how many words it checked.
set -eu
dir=$(cd "$(dirname "$0")/.." && pwd)
command -v llvm-mc >/dev/null || { echo "wordcheck: llvm-mc not found (apt-get install llvm)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# file:line, word and the comment's instruction, one per line.
grep -n -o 'WORD \$0x[0-9a-fA-F]\{8\} // [^/]*' "$dir"/*_arm64.s |
	sed 's|^\([^:]*:[0-9]*\):WORD \$0x\([0-9a-fA-F]*\) // \(.*\)$|\1\t\2\t\3|' >"$tmp/words"
n=0
bad=0
while IFS="$(printf '\t')" read -r where word want; do
	n=$((n + 1))
	bytes=$(echo "$word" | sed 's/\(..\)\(..\)\(..\)\(..\)/0x\4 0x\3 0x\2 0x\1/')
	got=$(echo "$bytes" | llvm-mc -disassemble -triple=aarch64 -mattr=+dotprod,+fullfp16 2>&1 | grep -v '^\s*\.text' | tr -s ' \t' ' ' | sed 's/^ //; s/ $//')
	want=$(echo "$want" | tr -s ' \t' ' ' | sed 's/^ //; s/ $//')
	if [ "$got" != "$want" ]; then
		echo "wordcheck: $(basename "$where"): 0x$word is \"$got\", comment says \"$want\""
		bad=1
	fi
done <"$tmp/words"
echo "wordcheck: $n words checked"
exit $bad
