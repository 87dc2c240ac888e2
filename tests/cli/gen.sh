#!/usr/bin/env bash
# gen.sh - 'mmsim gen' end to end: the exact CSV of a tiny loop, native output
# read back by 'mmsim info' with hand-counted numbers, determinism across
# formats, and usage errors (exit 2, nothing written).
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
work=$(mktemp -d /tmp/mmsim-gen-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$MMSIM" gen loop --pages 3 --accesses 7 -o l.csv || fail "gen loop"
cat > want.csv <<'CSV'
time,pid,op,addr,len,file,arg
,1,mmap,0x10000000,12288,,anon|private|rw
,1,R,0x10000000,8,,
,1,R,0x10001000,8,,
,1,R,0x10002000,8,,
,1,R,0x10000000,8,,
,1,R,0x10001000,8,,
,1,R,0x10002000,8,,
,1,R,0x10000000,8,,
CSV
grep -v '^#' l.csv | diff - want.csv >/dev/null || fail "loop CSV differs: $(cat l.csv)"

# 2 pids x uniform over 50 pages, 10000 accesses: each pid touches all 50 pages
# (P(a page missed) = (49/50)^5000 ~ 1e-44), so unique_pages = 100; 2 mmaps.
"$MMSIM" gen uniform --pages 50 --pids 2 --accesses 10000 -o u.mmt.zst || fail "gen uniform"
"$MMSIM" info u.mmt.zst > info.txt || fail "info"
grep -qx 'records: 10002' info.txt || fail "records: $(cat info.txt)"
grep -qx 'pids: 2' info.txt || fail "pids"
grep -qx 'unique_pages: 100' info.txt || fail "unique_pages"
grep -qx 'op_mmap: 2' info.txt || fail "op_mmap"
grep -qx 'meta.generator: uniform' info.txt || fail "meta generator"

# Same seed -> same records whatever the output format.
"$MMSIM" gen zipf --pages 500 --accesses 3000 --seed 7 -o z1.csv || fail "gen zipf csv"
"$MMSIM" gen zipf --pages 500 --accesses 3000 --seed 7 -o z2.mmt.zst || fail "gen zipf native"
"$MMSIM" convert z2.mmt.zst z2.csv || fail "convert"
diff <(grep -v '^#' z1.csv) <(grep -v '^#' z2.csv) >/dev/null || fail "zipf differs across formats"

for args in "nosuch -o x.csv" "loop --pages abc -o x.csv" "loop --bogus -o x.csv" "loop" \
	    "uniform --write-frac 2 -o x.csv"; do
	# shellcheck disable=SC2086
	"$MMSIM" gen $args >/dev/null 2>err.txt
	rc=$?
	[ $rc -eq 2 ] || fail "gen $args exited $rc, expected 2"
	[ "$(head -1 err.txt | cut -c1-11)" = "mmsim: gen:" ] || fail "gen $args message: $(cat err.txt)"
	[ ! -e x.csv ] || fail "gen $args left x.csv"
done

[ $failures -eq 0 ] && echo "gen.sh: all checks passed"
exit $((failures > 0))
