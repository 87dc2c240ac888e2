#!/usr/bin/env bash
# compare.sh - replay mmsim-generated workloads on the real kernel inside a
# memory cgroup, run mmsim on the same traces, and tabulate both.
#
#   sudo analysis/kernel-compare/compare.sh [--reps N] [--out DIR] [--quick]
#       [--only NAME] [--mmsim-only]
#
# Needs root, a cgroup v1 memory controller or cgroup v2 with +memory, and
# (for the anon workloads) a filesystem that can hold a swap file; it creates
# and removes everything it uses (trap on exit). --mmsim-only skips the kernel
# and re-joins DIR/kernel.csv with fresh mmsim runs (after changing mmsim).
# Output: DIR/kernel.csv (one row per kernel run), DIR/mmsim.csv (one row per
# mmsim run), DIR/compare.csv and DIR/compare.md (medians, spread, errors).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mmsim=${MMSIM:-$here/../../build/mmsim}
out=$here/results
reps=5
quick=0
only=
mmsim_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--quick) quick=1; reps=2; shift ;;
	--only) only=$2; shift 2 ;;
	--mmsim-only) mmsim_only=1; shift ;;
	*) echo "compare.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$mmsim" ] || { echo "compare.sh: no mmsim binary at $mmsim (build first or set MMSIM)" >&2; exit 1; }
mkdir -p "$out/traces"
work=$(mktemp -d /var/tmp/mmsim-kc.XXXXXX)
swapfile=
cgroups=()
cleanup() {
	for cg in "${cgroups[@]:-}"; do [ -n "$cg" ] && [ -d "$cg" ] && rmdir "$cg" 2>/dev/null || true; done
	if [ -n "$swapfile" ]; then swapoff "$swapfile" 2>/dev/null || true; rm -f "$swapfile"; fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cc -O2 -Wall -Wextra -Werror -o "$work/replay_read" "$here/replay_read.c"
cc -O2 -Wall -Wextra -Werror -o "$work/replay_anon" "$here/replay_anon.c"

# ---- workloads: name kind gen-arguments (32 and 64 MiB limits; footprints 48-96 MiB)
scale=1
[ "$quick" = 1 ] && scale=4
workloads=(
	"file-loop   file loop    --pages 12288 --accesses $((36864 / scale))"
	"file-hotcold file hotcold --pages 16384 --accesses $((60000 / scale)) --hot-pages 2048 --hot-frac 0.9 --scan-every 6000 --scan-len 4000"
	"file-zipf   file zipf    --pages 16384 --accesses $((60000 / scale)) --alpha 0.9"
	"file-shift  file shift   --pages 16384 --accesses $((60000 / scale)) --ws 6000 --phase $((15000 / scale))"
	"anon-loop   anon loop    --pages 12288 --accesses $((36864 / scale))"
	"anon-zipf   anon zipf    --pages 16384 --accesses $((60000 / scale)) --alpha 0.9"
)
limits_mib=(32 64)

# ---- cgroup helpers (v1 memory controller, else v2)
if [ -d /sys/fs/cgroup/memory ] && [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	cgv=1; cgroot=/sys/fs/cgroup/memory
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	cgv=2; cgroot=/sys/fs/cgroup
	grep -qw memory "$cgroot/cgroup.subtree_control" || echo +memory > "$cgroot/cgroup.subtree_control"
else
	cgv=0
fi
if [ "$mmsim_only" = 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "compare.sh: the kernel side needs root (or use --mmsim-only)" >&2; exit 1; }
	[ "$cgv" != 0 ] || { echo "compare.sh: no memory cgroup controller mounted" >&2; exit 1; }
fi

new_cgroup() { # limit_bytes -> path
	local cg=$cgroot/mmsim-kc-$$-$RANDOM
	mkdir "$cg"
	cgroups+=("$cg")
	if [ $cgv = 1 ]; then echo "$1" > "$cg/memory.limit_in_bytes"; else echo "$1" > "$cg/memory.max"; fi
	echo "$cg"
}
stat_of() { # cgroup key -> value (0 if absent)
	awk -v k="$2" '$1 == k {print $2; f = 1} END {if (!f) print 0}' "$1/memory.stat"
}
vmstat_of() { awk -v k="$1" '$1 == k {print $2}' /proc/vmstat; }

# Baseline: pages the replayer charges with an empty trace.
baseline() { # kind -> pages
	local cg; cg=$(new_cgroup $((1 << 30)))
	if [ "$1" = file ]; then
		sh -c "echo \$\$ > $cg/cgroup.procs && exec $work/replay_read - /etc/hostname" >/dev/null
	else
		sh -c "echo \$\$ > $cg/cgroup.procs && exec $work/replay_anon -" >/dev/null
	fi
	local b
	if [ $cgv = 1 ]; then b=$(cat "$cg/memory.max_usage_in_bytes"); else b=$(cat "$cg/memory.peak" 2>/dev/null || echo 0); fi
	rmdir "$cg"
	echo $(((b + 4095) / 4096))
}

if [ "$mmsim_only" = 0 ]; then
	if swapon --show --noheadings | grep -q .; then
		echo "compare.sh: swap is already active; the anon runs need a swap device of their own (swapoff first)" >&2
		exit 1
	fi
	echo "kernel $(uname -r), cgroup v$cgv, $reps repetitions" | tee "$out/kernel-info.txt"
	base_file=$(baseline file)
	base_anon=$(baseline anon)
	echo "baseline charge: file replayer $base_file pages, anon replayer $base_anon pages" | tee -a "$out/kernel-info.txt"
	echo "workload,kind,limit_mib,rep,baseline_pages,workingset_refault_file,workingset_refault_anon,pgpgin,pgmajfault,active_file,inactive_file,active_anon,inactive_anon,pswpin,pswpout" > "$out/kernel.csv"
fi

for w in "${workloads[@]}"; do
	read -r name kind pattern args <<<"$w"
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	tr=$out/traces/$name.mmt.zst
	wf=--write-frac; wv=0
	extra=(--file)
	if [ "$kind" = anon ]; then wv=1; extra=(); fi
	# shellcheck disable=SC2086
	"$mmsim" gen "$pattern" $args "${extra[@]}" $wf $wv --seed 7 -o "$tr"
	"$mmsim" convert "$tr" "$work/$name.csv"
	pages=$(awk -F'--pages ' '{split($2, a, " "); print a[1]}' <<<"$args")
	if [ "$mmsim_only" = 0 ]; then
		if [ "$kind" = file ]; then
			"$work/replay_read" - "$work/data" --create "$pages" >/dev/null
		elif [ -z "$swapfile" ]; then
			swapfile=$work/swap
			fallocate -l 1G "$swapfile" && chmod 600 "$swapfile" && mkswap -q "$swapfile" >/dev/null && swapon "$swapfile"
		fi
		for lim in "${limits_mib[@]}"; do
			for rep in $(seq 1 "$reps"); do
				if [ "$kind" = file ]; then
					"$work/replay_read" - "$work/data" --drop
					b=$base_file
				else
					b=$base_anon
				fi
				si0=$(vmstat_of pswpin); so0=$(vmstat_of pswpout)
				cg=$(new_cgroup $((lim << 20)))
				if [ "$kind" = file ]; then
					sh -c "echo \$\$ > $cg/cgroup.procs && exec $work/replay_read $work/$name.csv $work/data" >/dev/null
				else
					sh -c "echo \$\$ > $cg/cgroup.procs && exec $work/replay_anon $work/$name.csv" >/dev/null
				fi
				si1=$(vmstat_of pswpin); so1=$(vmstat_of pswpout)
				echo "$name,$kind,$lim,$rep,$b,$(stat_of "$cg" workingset_refault_file),$(stat_of "$cg" workingset_refault_anon),$(stat_of "$cg" pgpgin),$(stat_of "$cg" pgmajfault),$(stat_of "$cg" active_file),$(stat_of "$cg" inactive_file),$(stat_of "$cg" active_anon),$(stat_of "$cg" inactive_anon),$((si1 - si0)),$((so1 - so0))" >> "$out/kernel.csv"
				rmdir "$cg" 2>/dev/null || true
				echo "  kernel $name ${lim}M rep $rep done"
			done
		done
	fi
done

# ---- mmsim on the same traces, the limit reduced by the replayer's own charge
echo "workload,kind,limit_mib,policy,workingset_refault_file,workingset_refault_anon,pagecache_misses,pgmajfault,nr_active_file,nr_inactive_file,nr_active_anon,nr_inactive_anon,pswpin,pswpout" > "$out/mmsim.csv"
for w in "${workloads[@]}"; do
	read -r name kind _ <<<"$w"
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	b=$(awk -F, -v n="$name" '$1 == n {print $5; exit}' "$out/kernel.csv")
	csv=$work/$name.csv
	[ -f "$csv" ] || "$mmsim" convert "$out/traces/$name.mmt.zst" "$csv"
	if [ "$kind" = file ]; then # the replayer opens the file with POSIX_FADV_RANDOM
		{ echo "time,pid,op,addr,len,file,arg"; echo ",1,fadvise,0,0,1,random"; grep -v -e '^#' -e '^time,' "$csv"; } > "$work/$name.mm.csv"
		set_swap=()
	else
		cp "$csv" "$work/$name.mm.csv"
		set_swap=(-s swap.size=1G)
	fi
	for lim in "${limits_mib[@]}"; do
		for pol in linux lru; do
			d=$work/run-$name-$lim-$pol
			"$mmsim" run -q -p "$pol" -m 4G --memcg-limit $(((lim << 20) - ${b:-0} * 4096)) "${set_swap[@]}" \
				"$work/$name.mm.csv" -o "$d"
			awk -F, -v n="$name" -v k="$kind" -v l="$lim" -v p="$pol" 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next}
				{printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", n, k, l, p, $h["workingset_refault_file"], $h["workingset_refault_anon"], $h["pagecache_misses"], $h["pgmajfault"], $h["nr_active_file"], $h["nr_inactive_file"], $h["nr_active_anon"], $h["nr_inactive_anon"], $h["pswpin"], $h["pswpout"]}' \
				"$d/summary.csv" >> "$out/mmsim.csv"
		done
	done
done

# ---- join: kernel median [min, max] vs mmsim linux and lru, relative errors
awk -F, -f "$here/join.awk" "$out/kernel.csv" "$out/mmsim.csv" > "$out/compare.csv"
awk -F, 'NR == 1 {print "| workload | limit | metric | kernel median [min–max] | linux | err | lru | err |"; print "|---|---|---|---|---|---|---|---|"; next}
	{printf "| %s | %s MiB | %s | %s [%s–%s] | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$out/compare.csv" > "$out/compare.md"
cat "$out/compare.md"
