#!/usr/bin/env bash
# convert_info.sh - end-to-end checks of 'mmsim convert' and 'mmsim info':
# csv -> native -> csv round trip (byte-equal), info counts worked out by hand,
# bad inputs (exit 1, one 'mmsim: FILE:...' line, no output left), usage
# errors (exit 2), stdin/stdout. Needs MMSIM (the binary).
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
work=$(mktemp -d /tmp/mmsim-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
umask 022
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_exit CODE CMD... : run, capture stdout/stderr in out.txt/err.txt.
expect_exit() {
	local want=$1
	shift
	"$@" >out.txt 2>err.txt
	local got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat err.txt)"
}

# expect_one_error PREFIX: stderr is exactly one line starting with PREFIX.
expect_one_error() {
	local lines
	lines=$(wc -l <err.txt)
	[ "$lines" -eq 1 ] || fail "expected one error line, got $lines: $(cat err.txt)"
	case "$(head -n1 err.txt)" in
	"$1"*) ;;
	*) fail "error '$(head -n1 err.txt)' does not start with '$1'" ;;
	esac
}

# no_output BASE: neither BASE nor a temporary BASE.tmp* exists.
no_output() {
	# shellcheck disable=SC2144
	if ls "$1"* >/dev/null 2>&1; then fail "output left behind: $(ls "$1"*)"; fi
}

# A hand-written trace, already in canonical form.
cat >a.csv <<'EOF'
time,pid,op,addr,len,file,arg
100,1,R,0x1000,8,,
,1,R,0x1ff8,16,,
,1,W,0x2000,4096,,0xab
,2,R,0x1000,1,,
500,2,X,0x400000,4,,
,1,mmap,0x10000,8192,,anon|private|rw
,2,read,0,8192,7,
,3,read,4096,4096,7,size=65536
,3,write,4095,2,8,
,3,fadvise,0,0,8,random
,3,R,0x5000,0,,
900,1,exit,,,,
EOF

# --- round trip csv -> native -> csv --------------------------------------
expect_exit 0 "$MMSIM" convert a.csv b.mmt.zst
expect_exit 0 "$MMSIM" convert b.mmt.zst c.csv
grep -v '^#' c.csv >c.body
cmp -s a.csv c.body || fail "csv -> native -> csv changed the records: $(diff a.csv c.body)"
cat >c.meta.want <<'EOF'
# meta source=b.mmt.zst
# meta source_format=native
# meta converted_by=mmsim convert b.mmt.zst c.csv
EOF
grep '^#' c.csv >c.meta
cmp -s c.meta c.meta.want || fail "metadata of c.csv: $(diff c.meta.want c.meta)"
[ "$(stat -c %a b.mmt.zst)" = 644 ] || fail "output mode $(stat -c %a b.mmt.zst), expected 644"
# A second trip is byte-identical apart from the converted_by/source lines.
expect_exit 0 "$MMSIM" convert --to native c.csv d.mmt.zst
expect_exit 0 "$MMSIM" convert d.mmt.zst e.csv
cmp -s c.body <(grep -v '^#' e.csv) || fail "second round trip differs"
# Deterministic: the same command gives the same bytes.
expect_exit 0 "$MMSIM" convert a.csv b2.mmt.zst
cp b.mmt.zst b.keep && expect_exit 0 "$MMSIM" convert a.csv b.mmt.zst
cmp -s b.keep b.mmt.zst || fail "convert is not deterministic"

# --- end-of-input metadata survives conversion --------------------------------
# An ids trace's '*' markers are counted only when the reader reaches them; the
# converted file's header must still carry the final count (1 marker here).
printf '1\n2\n*\n3\n1\n' > m.ids
expect_exit 0 "$MMSIM" convert --from ids m.ids m.mmt.zst
expect_exit 0 "$MMSIM" info m.mmt.zst
grep -qx 'meta.markers_skipped: 1' out.txt || fail "markers_skipped lost in conversion: $(cat out.txt)"
grep -qx 'records: 4' out.txt || fail "ids records: $(cat out.txt)"

# --- info, counted by hand --------------------------------------------------
# unique_pages: pid1 pages 1,2 (0x1ff8+16 spans 1..2, the W at 0x2000 is page 2);
# pid2 pages 1 and 0x400; file7 pages 0,1 (8192 bytes from 0; pid3's read of
# page 1 is the same file page); file8 pages 0,1 (2 bytes at 4095); the R of
# length 0 touches nothing -> 2 + 2 + 2 + 2 = 8.
cat >info.want <<'EOF'
format: csv
page_size: 4096
records: 12
pids: 3
unique_pages: 8
op_R: 4
op_W: 1
op_X: 1
op_mmap: 1
op_exit: 1
op_read: 2
op_write: 1
op_fadvise: 1
time_first: 100
time_last: 900
EOF
expect_exit 0 "$MMSIM" info a.csv
cmp -s info.want out.txt || fail "info a.csv: $(diff info.want out.txt)"
expect_exit 0 "$MMSIM" info b.mmt.zst
{
	sed 's/^format: csv/format: native/' info.want
	echo "meta.source: a.csv"
	echo "meta.source_format: csv"
	echo "meta.converted_by: mmsim convert a.csv b.mmt.zst"
} >info2.want
cmp -s info2.want out.txt || fail "info b.mmt.zst: $(diff info2.want out.txt)"

# --- stdin / stdout ---------------------------------------------------------
expect_exit 0 "$MMSIM" convert - s.mmt.zst <a.csv
expect_exit 0 "$MMSIM" info s.mmt.zst
grep -qx 'meta.source: -' out.txt || fail "stdin source not recorded"
grep -qx 'records: 12' out.txt || fail "stdin conversion lost records"
# Native through a pipe: the header count stays unknown, the end marker still counts.
"$MMSIM" convert --to native a.csv - | cat >p.mmt.zst
expect_exit 0 "$MMSIM" info p.mmt.zst
grep -qx 'records: 12' out.txt || fail "piped native output unreadable"
expect_exit 0 "$MMSIM" convert --to csv b.mmt.zst -
cmp -s a.csv <(grep -v '^#' out.txt) || fail "csv to stdout differs"

# --- bad inputs: exit 1, one line, nothing left behind ----------------------
printf 'time,pid,op,addr,len,file,arg\n,1,R,0x1000,,,\n,1,Q,0,,,\n' >bad.csv
expect_exit 1 "$MMSIM" convert bad.csv out1.mmt.zst
expect_one_error "mmsim: bad.csv:3:4: op: unknown op 'Q'"
no_output out1.mmt.zst
expect_exit 1 "$MMSIM" info bad.csv
expect_one_error "mmsim: bad.csv:3:4: op: unknown op 'Q'"
[ -s out.txt ] && fail "info printed results for a bad trace"

size=$(stat -c %s b.mmt.zst)
head -c $((size - 3)) b.mmt.zst >trunc.mmt.zst
expect_exit 1 "$MMSIM" convert trunc.mmt.zst out2.csv
expect_one_error "mmsim: trunc.mmt.zst: byte offset "
no_output out2.csv

printf 'hello world\n' >junk.txt
expect_exit 1 "$MMSIM" convert junk.txt out3.csv
expect_one_error "mmsim: junk.txt: cannot tell the trace format"
no_output out3.csv

expect_exit 1 "$MMSIM" convert nosuch.csv out4.csv
expect_one_error "mmsim: nosuch.csv: No such file or directory"
no_output out4.csv

expect_exit 1 "$MMSIM" convert a.csv out5.txt
expect_one_error "mmsim: out5.txt: cannot tell the output format"
no_output out5.txt

# An output directory that does not exist.
expect_exit 1 "$MMSIM" convert --from csv a.csv nodir/x.csv
expect_one_error "mmsim: nodir/x.csv: cannot create"

# --- usage errors: exit 2 ---------------------------------------------------
expect_exit 2 "$MMSIM" convert --bogus a.csv x.csv
grep -q "unknown option '--bogus'" err.txt || fail "unknown option message: $(cat err.txt)"
no_output x.csv
expect_exit 2 "$MMSIM" convert a.csv
expect_exit 2 "$MMSIM" convert --to xml a.csv x.csv
expect_exit 2 "$MMSIM" convert --from xml a.csv x.csv
expect_exit 2 "$MMSIM" convert --opt novalue a.csv x.csv
expect_exit 2 "$MMSIM" convert a.csv x.csv --from
expect_exit 2 "$MMSIM" info
expect_exit 2 "$MMSIM" info --bogus a.csv
expect_exit 0 "$MMSIM" convert --help
grep -q '^usage: mmsim convert' out.txt || fail "convert --help"
expect_exit 0 "$MMSIM" info --help
grep -q 'op_<OP>' out.txt || fail "info --help documents the op keys"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "convert_info: all checks passed"
