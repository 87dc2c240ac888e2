#!/usr/bin/env bash
# sweep.sh - 'mmsim sweep' end to end: results.csv contents, resume after an
# interrupted sweep (only the missing runs run again), partial run directories
# never counted as finished, a failing run recorded while the others finish,
# results.csv merge with mixed columns, and the GNU parallel path giving the
# same results.csv as a local run.
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
work=$(mktemp -d /tmp/mmsim-sweep-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

echo "time,pid,op,addr,len,file,arg" > s.csv
for p in 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1; do echo ",1,R,$((p * 4096)),1,," >> s.csv; done
cat > sw.ini <<'INI'
[sweep]
traces = s.csv
policies = fifo, lru, opt
capacity = 3, 4
INI

"$MMSIM" sweep sw.ini -o out -j 2 -q || fail "sweep"
[ "$(wc -l < out/results.csv)" = 7 ] || fail "results.csv should have 6 rows + header"
# misses per (policy, capacity), worked out by hand in tests/test_policy_classic.c.
col=$(head -1 out/results.csv | tr ',' '\n' | grep -nx misses | cut -d: -f1)
got=$(tail -n +2 out/results.csv | awk -F, -v c="$col" '{print $3 "@" $4 "=" $c}' | sort | tr '\n' ' ')
[ "$got" = "fifo@3=15 fifo@4=10 lru@3=12 lru@4=8 opt@3=9 opt@4=8 " ] || fail "results: $got"
head -1 out/results.csv | grep -q '^run_id,trace,policy,capacity,' || fail "parameter columns first"

# Resume: remove one finished run and fake a half-written one; a re-run redoes
# exactly those and leaves the others untouched.
ids=$("$MMSIM" sweep sw.ini --list | awk '{print $2}')
first=$(echo "$ids" | sed -n 1p) second=$(echo "$ids" | sed -n 2p) third=$(echo "$ids" | sed -n 3p)
rm -rf "out/runs/$first"
mv "out/runs/$second" "out/runs/$second.tmp-ABCDEF"
rm "out/runs/$second.tmp-ABCDEF/summary.csv"
touch -d '2001-01-01' "out/runs/$third/summary.csv"
"$MMSIM" sweep sw.ini -o out -j 2 -q || fail "resume"
[ -f "out/runs/$first/summary.csv" ] && [ -f "out/runs/$second/summary.csv" ] || fail "missing runs not redone"
[ "$(stat -c %Y "out/runs/$third/summary.csv")" = "$(date -d 2001-01-01 +%s)" ] || fail "a finished run ran again"
ls -d out/runs/*.tmp-* >/dev/null 2>&1 && fail "partial directory left behind"
[ "$(wc -l < out/results.csv)" = 7 ] || fail "results after resume"

# --only by index range and by id.
"$MMSIM" sweep sw.ini -o only -q --only 1-2 --no-merge || fail "--only range"
[ "$(ls only/runs | wc -l)" = 2 ] || fail "--only 1-2 ran $(ls only/runs | wc -l) runs"
[ ! -e only/results.csv ] || fail "--no-merge merged"
"$MMSIM" sweep sw.ini -o only -q --only "$third" --merge-only && [ "$(wc -l < only/results.csv)" = 3 ] || fail "--merge-only rows"
"$MMSIM" sweep sw.ini -o only -q --only 99 2>/dev/null; [ $? -eq 2 ] || fail "--only out of range is a usage error"

# A failing run: recorded with its error, the rest finish, exit 1.
printf 'time,pid,op,addr,len,file,arg\n,1,R,nonsense,1,,\n' > bad.csv
cat > swbad.ini <<'INI'
[sweep]
traces = s.csv, bad.csv
policies = lru
capacity = 3
INI
"$MMSIM" sweep swbad.ini -o bad -q 2>err.txt; rc=$?
[ $rc -eq 1 ] || fail "failing sweep exited $rc"
[ "$(ls bad/runs/*.error | wc -l)" = 1 ] || fail "no .error file"
grep -q "bad.csv:2:" bad/runs/*.error || fail "error file lacks the message"
[ "$(wc -l < bad/results.csv)" = 2 ] || fail "good run missing from results"

# Mixed columns: a run whose summary has an extra column; other rows get an empty cell.
sum="out/runs/$first/summary.csv"
awk -F, 'NR==1{print $0 ",extra_col"} NR==2{print $0 ",42"}' "$sum" > x && mv x "$sum"
"$MMSIM" sweep sw.ini -o out -q --merge-only || fail "merge"
head -1 out/results.csv | grep -q ',extra_col$' || fail "extra column not appended"
[ "$(grep -c ',42$' out/results.csv)" = 1 ] || fail "extra value"
[ "$(tail -n +2 out/results.csv | grep -c ',$')" = 5 ] || fail "missing cells should be empty"

# GNU parallel: the emitted job list gives the same results.csv as a local -j 2 run.
if command -v parallel >/dev/null; then
	"$MMSIM" sweep sw.ini -o local -j 2 -q || fail "local"
	"$MMSIM" sweep sw.ini -o par --emit parallel > /dev/null || fail "emit parallel"
	parallel --will-cite --joblog par/joblog --resume < par/jobs.txt || fail "parallel"
	parallel --will-cite --joblog par/joblog --resume < par/jobs.txt || fail "parallel --resume"
	[ "$(tail -n +2 par/joblog | wc -l)" = 6 ] || fail "joblog should list 6 jobs once"
	"$MMSIM" sweep sw.ini -o par -q --merge-only || fail "merge after parallel"
	cmp -s local/results.csv par/results.csv || fail "parallel results differ from local"
else
	echo "sweep.sh: GNU parallel not installed; parallel path not checked" >&2
	fail "GNU parallel missing (make test installs it)"
fi

[ $failures -eq 0 ] && echo "sweep.sh: all checks passed"
exit $((failures > 0))
