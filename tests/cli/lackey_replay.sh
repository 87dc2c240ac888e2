#!/usr/bin/env bash
# lackey_replay.sh - a real valgrind lackey trace (of /bin/true, recorded here)
# imports and replays through the full machine; with ample memory every distinct
# page faults exactly once, so pgfault = mmsim info's unique_pages. With
# --trace-syscalls the mmap/mprotect records define real VMAs: a real program
# never violates them (no protection faults), and every page faults at least
# once (a read then a write of a private file page faults twice, as in Linux).
# Skipped (77) when valgrind is not installed.
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
command -v valgrind >/dev/null || { echo "lackey_replay.sh: SKIP: no valgrind"; exit 77; }
work=$(mktemp -d /tmp/mmsim-lackey-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

valgrind --tool=lackey --trace-mem=yes --log-file=lk.txt /bin/true || fail "valgrind"
"$MMSIM" info lk.txt > info.txt || fail "info: $(cat info.txt)"
grep -qx 'format: lackey' info.txt || fail "not detected as lackey"
pages=$(awk '$1=="unique_pages:"{print $2}' info.txt)
[ "${pages:-0}" -gt 50 ] || fail "too few pages: $pages"
"$MMSIM" run -q -p lru lk.txt -o run || fail "run"
col() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}' run/summary.csv; }
[ "$(col pgfault)" = "$pages" ] || fail "pgfault $(col pgfault) != unique_pages $pages"
[ "$(col fault_anon)" = "$pages" ] || fail "fault_anon $(col fault_anon)"
[ "$(col fault_protection)" = 0 ] || fail "protection faults $(col fault_protection)"
[ "$(col nr_anon_pages)" = "$pages" ] || fail "nr_anon_pages"

valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --log-file=lks.txt /bin/true || fail "valgrind syscalls"
"$MMSIM" info lks.txt > info2.txt || fail "info with syscalls"
grep -q '^op_mmap: ' info2.txt || fail "no mmap records imported"
pages2=$(awk '$1=="unique_pages:"{print $2}' info2.txt)
"$MMSIM" run -q -p lru lks.txt -o run2 || fail "run with syscalls"
col2() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}' run2/summary.csv; }
[ "$(col2 fault_protection)" = 0 ] || fail "protection faults with real VMAs: $(col2 fault_protection)"
[ "$(col2 pgfault)" -ge "$pages2" ] || fail "pgfault $(col2 pgfault) < unique_pages $pages2"
[ "$(col2 fault_file)" -gt 0 ] || fail "no file-backed faults (the loader maps libc)"

[ $failures -eq 0 ] && echo "lackey_replay.sh: all checks passed ($pages pages)"
exit $((failures > 0))
