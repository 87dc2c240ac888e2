#!/usr/bin/env bash
# plot.sh - 'mmsim plot' draws every kind into non-empty PNG/SVG/PDF files,
# refuses bad input with one line and exit 1/2, and leaves nothing behind.
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
work=$(mktemp -d /tmp/mmsim-plot-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
command -v gnuplot >/dev/null || { echo "gnuplot missing (make test installs gnuplot-nox)"; exit 1; }

"$MMSIM" gen zipf --pages 400 --accesses 20000 -o z.mmt.zst || fail gen
printf '[sweep]\ntraces = z.mmt.zst\npolicies = lru, fifo\ncapacity = 25, 50, 100, 200\n' > s.ini
"$MMSIM" sweep s.ini -o sw -q || fail sweep
run=$(ls -d sw/runs/*/ | head -1)

for spec in "sw mrc.png" "sw mrc.svg" "sw mrc.pdf" "sw/results.csv mrc2.png" \
	    "$run timeline.png" "$run lru.png --kind lru" "$run ksm.pdf --kind ksm" \
	    "${run}timeline.csv tl2.svg"; do
	set -- $spec
	in=$1 out=$2
	shift 2
	"$MMSIM" plot "$in" -o "$out" "$@" 2>err.txt || fail "plot $in -> $out: $(cat err.txt)"
	[ -s "$out" ] || fail "$out empty"
	[ ! -s err.txt ] || fail "plot $in -> $out printed: $(cat err.txt)"
done
head -c 4 mrc.pdf | grep -q '%PDF' || fail "mrc.pdf is not a PDF"
head -c 8 mrc.png | od -c | grep -q 'P   N   G' || fail "mrc.png is not a PNG"
grep -q '<svg' mrc.svg || fail "mrc.svg is not SVG"
grep -q 'lru' mrc.svg && grep -q 'fifo' mrc.svg || fail "one line per policy"
grep -q 'pgscan_kswapd\|miss_ratio\|misses' tl2.svg || true

# Watermark lines: a timeline that carries the zone's min/low/high (as the full
# machine's does) gets three dashed lines labelled in the key.
printf 'time_ns,nr_free_pages,wmark_min,wmark_low,wmark_high,pgscan_kswapd,pgsteal_kswapd\n' > wm.csv
for i in 1 2 3 4 5 6; do
	echo "$((i * 10000000)),$((900 - i * 60)),256,320,384,$((i * i * 10)),$((i * i * 8))" >> wm.csv
done
"$MMSIM" plot wm.csv --kind timeline -o wm.svg 2>err.txt || fail "watermark timeline: $(cat err.txt)"
for w in "min watermark" "low watermark" "high watermark" pgscan_kswapd; do
	grep -q "$w" wm.svg || fail "timeline lacks '$w'"
done

# The TLB kind from a sweep over TLB sizes.
printf '[sweep]\ntraces = z.mmt.zst\npolicies = lru\ncapacity = 100\nset.tlb.l2.entries = 64, 128, 256\n' > t.ini
"$MMSIM" sweep t.ini -o tl -q || fail "tlb sweep"
"$MMSIM" plot tl --kind tlb -o tlb.png 2>err.txt && [ -s tlb.png ] || fail "tlb plot: $(cat err.txt)"

# Errors: exit 1 with one line, no output file; usage errors exit 2.
"$MMSIM" plot sw --y nosuch -o bad.png 2>err.txt; [ $? -eq 1 ] || fail "missing column exit"
[ "$(wc -l < err.txt)" = 1 ] && grep -q "no column 'nosuch'" err.txt || fail "missing column message: $(cat err.txt)"
"$MMSIM" plot sw --kind tlb -o bad.png 2>/dev/null; [ $? -eq 1 ] || fail "tlb without tlb sweep"
printf 'time_ns,nr_free_pages\n' > empty.csv
"$MMSIM" plot empty.csv --kind timeline -o bad.png 2>/dev/null; [ $? -eq 1 ] || fail "empty csv"
"$MMSIM" plot sw -o bad.gif 2>/dev/null; [ $? -eq 1 ] || fail "bad extension"
"$MMSIM" plot sw --kind pie -o bad.png 2>/dev/null; [ $? -eq 2 ] || fail "unknown kind is a usage error"
ls bad.* >/dev/null 2>&1 && fail "an output file was left behind"

[ $failures -eq 0 ] && echo "plot.sh: all checks passed"
exit $((failures > 0))
