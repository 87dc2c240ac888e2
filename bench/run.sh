#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - run every benchmark that was built. Figures depend
# on the machine and its load; quote them with both.
set -eu
build=${1:-build}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "$build"/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b"
	if [ "$(basename "$b")" = bench_cache ] && [ "$(nproc)" -gt 1 ]; then
		echo "== bench_cache --decode-thread (mmsim run's default on this host)"
		"$b" --decode-thread
	fi
done
