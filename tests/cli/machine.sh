#!/usr/bin/env bash
# machine.sh - 'mmsim machine': the x86_64 16 GiB machine's numbers derived by
# hand from the kernel's rules, every preset loads, errors exit 1 or 2.
#
# 16 GiB x86_64: DMA 4096 pages, DMA32 1044480, Normal 3145728; all lowmem:
# min_free_kbytes = int_sqrt(4194304 pages * 4 KB * 16) = 16384, pages_min 4096.
#   DMA:    tmp = 4096*4096/4194304 = 4;       gap = max(1, 4)    -> 4 / 8 / 12
#   DMA32:  tmp = 4096*1044480/4194304 = 1020; gap = max(255, 1044) -> 1020 / 2064 / 3108
#   Normal: tmp = 3072;                         gap = max(768, 3145) -> 3072 / 6217 / 9362
#   protection DMA (ratio 256): 1044480/256 = 4080, (1044480+3145728)/256 = 16368
#   protection DMA32 (ratio 256): 3145728/256 = 12288
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
SRC=${MMSIM_SRC:?}
work=$(mktemp -d /tmp/mmsim-machine-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$MMSIM" machine -m 16G > m.txt || fail "machine -m 16G"
grep -qx 'min_free_kbytes: 16384' m.txt || fail "min_free_kbytes"
# zone NAME FIELD: the value of FIELD in zone NAME's block.
zone() { awk -v z="$1" -v f="$2" '$1=="Node"{cur=$4} cur==z && $1==f {print $2}' m.txt; }
for spec in DMA:min:4 DMA:low:8 DMA:high:12 DMA32:min:1020 DMA32:low:2064 DMA32:high:3108 \
	    Normal:min:3072 Normal:low:6217 Normal:high:9362 Normal:managed:3145728; do
	IFS=: read -r z f want <<< "$spec"
	got=$(zone "$z" "$f")
	[ "$got" = "$want" ] || fail "$z $f = $got, expected $want"
done
awk '$1=="Node"{cur=$4} cur=="DMA" && /protection/' m.txt | grep -q '(0, 4080, 16368, 16368)' || fail "DMA protection"
awk '$1=="Node"{cur=$4} cur=="DMA32" && /protection/' m.txt | grep -q '(0, 0, 12288, 12288)' || fail "DMA32 protection"
grep -q 'l2   1536 entries, 12-way (128 sets)' m.txt || fail "TLB geometry"

# -s overrides and presets.
"$MMSIM" machine -m 16G -s vm.min_free_kbytes=65536 | grep -qx 'min_free_kbytes: 65536' || fail "-s min_free_kbytes"
for c in "$SRC"/configs/*.ini; do
	"$MMSIM" machine -c "$c" > /dev/null 2>err.txt || fail "preset $c: $(cat err.txt)"
done
"$MMSIM" machine -c "$SRC/configs/x86_32.ini" | grep -q 'zone  HighMem' || fail "x86_32 has HighMem"

# Errors.
printf '[vm]\nswappiness = 999\n' > bad.ini
"$MMSIM" machine -c bad.ini 2>err.txt; [ $? -eq 1 ] || fail "bad config exit"
grep -q '^mmsim: bad.ini:2: vm.swappiness' err.txt || fail "bad config message: $(cat err.txt)"
"$MMSIM" machine --bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad flag exit"
"$MMSIM" machine -m 1048577 2>/dev/null; [ $? -eq 1 ] || fail "memory not a page multiple"
"$MMSIM" machine -m 12345 2>/dev/null; [ $? -eq 2 ] || fail "memory below the minimum is a usage error"

[ $failures -eq 0 ] && echo "machine.sh: all checks passed"
exit $((failures > 0))
