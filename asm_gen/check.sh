#!/bin/sh
# Regenerates the amd64 kernels and fails if the committed output differs
# (changed or new generated files). CI runs it in a clean checkout.
set -eu
cd "$(dirname "$0")"
go generate ./...
cd ..
out=$(git status --porcelain -- 'kernels/*_amd64.s' 'kernels/*_stub_amd64.go')
if [ -n "$out" ]; then
	git --no-pager diff -- 'kernels/*_amd64.s' 'kernels/*_stub_amd64.go' | head -50 >&2
	echo "$out" >&2
	echo "asm_gen/check.sh: generated kernels are stale; run 'go generate' in asm_gen and commit" >&2
	exit 1
fi
echo "asm_gen/check.sh: generated kernels are up to date"
