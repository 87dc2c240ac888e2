#!/usr/bin/env bash
# kernel_compare.sh - the parts of analysis/kernel-compare that are safe in CI:
# the replayers build with -Werror and replay an mmsim trace (no cgroup, no
# swap: those need root and are exercised by compare.sh itself), and join.awk
# turns per-repetition kernel rows plus mmsim rows into medians and errors
# worked out by hand.
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
SRC=${MMSIM_SRC:?MMSIM_SRC must point at the source tree}
command -v cc >/dev/null || { echo "kernel_compare.sh: SKIP: no C compiler"; exit 77; }
kc=$SRC/analysis/kernel-compare
work=$(mktemp -d /tmp/mmsim-kc-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cc -O2 -Wall -Wextra -Werror -o "$work/rr" "$kc/replay_read.c" || fail "replay_read does not build"
cc -O2 -Wall -Wextra -Werror -o "$work/ra" "$kc/replay_anon.c" || fail "replay_anon does not build"

# 500 reads over 64 pages of file 1; 300 stores over 40 pages.
"$MMSIM" gen uniform --file --pages 64 --accesses 500 -o "$work/f.mmt.zst" || fail "gen file"
"$MMSIM" convert "$work/f.mmt.zst" "$work/f.csv" || fail "convert file"
"$work/rr" - "$work/data" --create 64 || fail "create data file"
[ "$(stat -c %s "$work/data")" = $((64 * 4096)) ] || fail "data file size"
[ "$("$work/rr" "$work/f.csv" "$work/data")" = 500 ] || fail "replay_read did not do 500 reads"
"$work/rr" - "$work/data" --drop || fail "drop"
"$MMSIM" gen loop --pages 40 --accesses 300 --write-frac 1 -o "$work/a.mmt.zst" || fail "gen anon"
"$MMSIM" convert "$work/a.mmt.zst" "$work/a.csv" || fail "convert anon"
[ "$("$work/ra" "$work/a.csv")" = 300 ] || fail "replay_anon did not do 300 stores"
printf 'time,pid,op,addr,len,file,arg\n,1,read,x\n' > "$work/bad.csv"
"$work/rr" "$work/bad.csv" "$work/data" 2> "$work/err" && fail "a malformed record was accepted"
grep -q 'bad.csv:2: not an mmsim CSV record' "$work/err" || fail "error does not name file and line: $(cat "$work/err")"

# join.awk: three repetitions of refaults 10, 30, 12 -> median 12 [10-30];
# pages read = pgpgin - baseline: 1064-64, 1074-64, 1069-64 -> median 1005.
# mmsim linux 13 refaults -> +8.3 %, lru 12 -> +0.0 %; pages read 1005 -> +0.0 %.
cat > "$work/kernel.csv" <<'CSV'
workload,kind,limit_mib,rep,baseline_pages,workingset_refault_file,workingset_refault_anon,pgpgin,pgmajfault,active_file,inactive_file,active_anon,inactive_anon,pswpin,pswpout
w,file,32,1,64,10,0,1064,0,4096,8192,0,0,0,0
w,file,32,2,64,30,0,1074,0,4096,8192,0,0,0,0
w,file,32,3,64,12,0,1069,0,8192,8192,0,0,0,0
CSV
cat > "$work/mmsim.csv" <<'CSV'
workload,kind,limit_mib,policy,workingset_refault_file,workingset_refault_anon,pagecache_misses,pgmajfault,nr_active_file,nr_inactive_file,nr_active_anon,nr_inactive_anon,pswpin,pswpout
w,file,32,linux,13,0,1005,0,1,2,0,0,0,0
w,file,32,lru,12,0,1005,0,0,3,0,0,0,0
CSV
awk -F, -f "$kc/join.awk" "$work/kernel.csv" "$work/mmsim.csv" > "$work/compare.csv" || fail "join"
grep -qx 'w,32,refaults,12,10,30,13,+8.3%,12,+0.0%' "$work/compare.csv" || fail "refault row: $(grep refaults "$work/compare.csv")"
grep -qx 'w,32,pages read,1005,1000,1010,1005,+0.0%,1005,+0.0%' "$work/compare.csv" || fail "pages-read row: $(grep 'pages read' "$work/compare.csv")"
grep -qx 'w,32,active_file,1,1,2,1,+0.0%,0,-100.0%' "$work/compare.csv" || fail "active row: $(grep active_file "$work/compare.csv")"
exit $((failures > 0))
