#!/usr/bin/env bash
# run_cache.sh - 'mmsim run --capacity' end to end: the summary's numbers for
# the Silberschatz string (hand-derived: FIFO 15, LRU 12, OPT 9 with 3
# frames), byte-identical re-runs, atomic result directories, exit codes,
# 'mmsim policies' and 'mmsim mrc' output.
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
work=$(mktemp -d /tmp/mmsim-run-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# column NAME FILE: the value of NAME in a one-row CSV with a header.
column() {
	awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}' "$2"
}

echo "time,pid,op,addr,len,file,arg" > s.csv
for p in 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1; do echo ",1,R,$((p * 4096)),1,," >> s.csv; done

for pw in fifo:15 lru:12 opt:9 clock:11; do
	pol=${pw%%:*} want=${pw##*:}
	"$MMSIM" run -q -p "$pol" --capacity 3 -o "r_$pol" s.csv || fail "run $pol"
	got=$(column misses "r_$pol/summary.csv")
	[ "$got" = "$want" ] || fail "$pol: $got misses, expected $want"
	[ "$(column evictions "r_$pol/summary.csv")" = $((want - 3)) ] || fail "$pol evictions"
	[ "$(column policy "r_$pol/summary.csv")" = "$pol" ] || fail "$pol policy column"
	[ "$(column capacity_pages "r_$pol/summary.csv")" = 3 ] || fail "$pol capacity column"
	[ -s "r_$pol/timeline.csv" ] && [ -s "r_$pol/config.ini" ] || fail "$pol: missing files"
done

# The effective config reproduces the run; re-runs are byte-identical.
"$MMSIM" run -q -c r_clock/config.ini --capacity 3 -p clock -o again s.csv || fail "rerun"
for f in summary.csv timeline.csv config.ini; do
	cmp -s "r_clock/$f" "again/$f" || fail "re-run differs in $f"
done
"$MMSIM" run -q -p clock -s policy.clock.ref_on_insert=1 --capacity 3 -o r_c1 s.csv || fail "clock 1"
[ "$(column misses r_c1/summary.csv)" = 14 ] || fail "clock ref_on_insert=1"
[ "$(column config_hash r_c1/summary.csv)" != "$(column config_hash r_clock/summary.csv)" ] ||
	fail "config_hash ignores policy parameters"

# A result directory is replaced; anything else is refused.
"$MMSIM" run -q -p lru --capacity 4 -o r_lru s.csv || fail "replace result dir"
[ "$(column misses r_lru/summary.csv)" = 8 ] || fail "replaced result has LRU(4) = 8"
mkdir precious && touch precious/notes.txt
"$MMSIM" run -q -p lru --capacity 3 -o precious s.csv 2>err.txt
[ $? -eq 1 ] || fail "non-result OUTDIR accepted"
[ -f precious/notes.txt ] && [ ! -e precious/summary.csv ] || fail "precious touched"

# Bad trace: exit 1, FILE:LINE:COL message, no OUTDIR, no temp dir left.
printf 'time,pid,op,addr,len,file,arg\n,1,R,0,1,,\n,1,R,zzz,1,,\n' > bad.csv
"$MMSIM" run -q -p lru --capacity 3 -o r_bad bad.csv 2>err.txt
[ $? -eq 1 ] || fail "bad trace exit"
grep -q '^mmsim: bad.csv:3:' err.txt || fail "bad trace message: $(cat err.txt)"
[ ! -e r_bad ] || fail "r_bad exists after an error"
ls -d r_bad.tmp-* >/dev/null 2>&1 && fail "temporary directory left behind"

# Usage errors: exit 2.
for args in "-p nosuch --capacity 3 s.csv" "--capacity 0 s.csv" "--capacity 3" "-s vm.swappiness=500 --capacity 3 s.csv" "--bogus s.csv"; do
	# shellcheck disable=SC2086
	"$MMSIM" run -q $args -o r_usage >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "run $args exited $rc, expected 2"
	[ ! -e r_usage ] || fail "run $args wrote output"
done
"$MMSIM" run -q -p lru --capacity 3 -c nonexistent.ini s.csv 2>/dev/null
[ $? -eq 1 ] || fail "missing -c file should exit 1"

# mmsim policies lists every policy; mrc gives the LRU curve.
for p in lru fifo clock opt; do
	"$MMSIM" policies | grep -q "^$p " || fail "policies lacks $p"
done
"$MMSIM" mrc --sizes 1-7 s.csv > mrc.csv || fail "mrc"
[ "$(cut -d, -f3 mrc.csv | tail -n +2 | tr '\n' ' ')" = "20 17 12 8 7 6 6 " ] || fail "mrc curve: $(cat mrc.csv)"
"$MMSIM" mrc --policy fifo --sizes 3,4 -j 2 s.csv > mrcf.csv || fail "mrc fifo"
[ "$(cut -d, -f3 mrcf.csv | tail -n +2 | tr '\n' ' ')" = "15 10 " ] || fail "mrc fifo: $(cat mrcf.csv)"

[ $failures -eq 0 ] && echo "run_cache.sh: all checks passed"
exit $((failures > 0))
