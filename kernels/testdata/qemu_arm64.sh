#!/usr/bin/env bash
# Runs the arm64 kernels under qemu-user on two CPU models:
#   cortex-a53   ARMv8.0, no dot product: must select the neon tier;
#   neoverse-n1  ARMv8.2 with FEAT_DotProd: must select sdot (and, forced
#                with T5GO_KERNELS=neon, neon).
# Under each: the whole kernels test suite (every tier the model can run
# against generic, T5GO_EXPECT_KERNELS proving the selected tier), the
# t5gemma/check golden suite (every fixture at the types TestGolden lists)
# and `t5go check` itself on the real-width case at q8_0 and q4_0, whose
# report names the kernels it ran. Also GOARCH=arm64 go vet and, where
# llvm-mc exists, the WORD encodings (wordcheck_arm64.sh).
#
# Installs qemu-user-static with apt-get when no qemu-aarch64 is found.
# 1-2 minutes on 2 shared cores with a warm build cache. Wall-clock under
# qemu says nothing about speed and is not reported as such.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
	echo "qemu_arm64: installing qemu-user-static"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
	qemu=$(command -v qemu-aarch64-static)
fi
"$qemu" --version | head -1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== GOARCH=arm64 go vet"
GOARCH=arm64 go vet ./...
GOARCH=arm64 go vet -tags purego ./kernels
if command -v llvm-mc >/dev/null; then
	kernels/testdata/wordcheck_arm64.sh
else
	echo "qemu_arm64: no llvm-mc, WORD encodings not re-checked"
fi

echo "== build arm64 test binaries"
GOARCH=arm64 go test -c -o "$tmp/kernels.test" ./kernels
GOARCH=arm64 go test -c -o "$tmp/check.test" ./t5gemma/check
GOARCH=arm64 go build -o "$tmp/t5go" ./cmd/t5go
tar -C "$tmp" -xzf t5gemma/check/testdata/d_real_width.tar.gz

# run CPU WANT [FORCE]: the suites on CPU, which must select tier WANT. A
# forced run only proves the selection: the full runs already compare every
# tier the CPU offers (sdot and neon on neoverse-n1) with generic.
run() {
	local cpu=$1 want=$2 force=${3:-} only=.
	if [ -n "$force" ]; then
		only='TestExpectedTier|TestArmTiersFollowCPUID'
	fi
	echo "== $cpu: kernels suite (expect $want${force:+, forced by T5GO_KERNELS=$force})"
	if ! (cd kernels && T5GO_KERNELS=$force T5GO_EXPECT_KERNELS=$want \
		"$qemu" -cpu "$cpu" "$tmp/kernels.test" -test.v -test.count=1 -test.run "$only" >"$tmp/out" 2>&1); then
		grep -E -A5 '^(--- FAIL|panic|FAIL)' "$tmp/out" | head -60 || true
		echo "qemu_arm64: kernels suite failed on $cpu"
		exit 1
	fi
	grep -E 'selected|^PASS' "$tmp/out"
	if [ -n "$force" ]; then
		return
	fi
	echo "== $cpu: check golden suite"
	(cd t5gemma/check && "$qemu" -cpu "$cpu" "$tmp/check.test" -test.count=1)
	for typ in q8_0 q4_0; do
		"$qemu" -cpu "$cpu" "$tmp/t5go" check "$tmp/d_real_width" --type "$typ" >"$tmp/report"
		head -1 "$tmp/report"
		grep -q "kernels $want\$" "$tmp/report" || { echo "qemu_arm64: $cpu ran $(head -1 "$tmp/report"), want kernels $want"; exit 1; }
		tail -1 "$tmp/report"
	done
}

run cortex-a53 neon
run neoverse-n1 sdot
run neoverse-n1 neon neon
echo "qemu_arm64: all passed"
