#!/usr/bin/env bash
# demo.sh MMSIM OUTDIR - the 'make demo' tour: generate workloads, sweep the
# replacement policies over cache sizes, merge results.csv, draw the figures.
# Finishes in well under two minutes on a 2-core machine.
set -euo pipefail
mmsim=$(realpath "${1:?usage: demo.sh MMSIM OUTDIR}")
out=${2:-demo-out}
mkdir -p "$out/traces"
cd "$out"

echo "== 1. Generating workloads (mmsim gen)"
"$mmsim" gen zipf    --pages 20000 --accesses 400000 --alpha 0.9 --write-frac 0.2 --seed 1 -o traces/zipf.mmt.zst
"$mmsim" gen hotcold --pages 20000 --accesses 400000 --hot-pages 2000 --hot-frac 0.9 \
	--scan-every 40000 --scan-len 8000 --seed 2 -o traces/hotcold.mmt.zst
"$mmsim" gen loop    --pages 6000 --accesses 300000 -o traces/loop.mmt.zst
"$mmsim" info traces/zipf.mmt.zst | sed -n '1,6p'

echo "== 2. Sweeping policies x cache sizes (mmsim sweep, cache mode)"
cat > demo-sweep.ini <<'INI'
; The demo's sweep: every policy at five cache sizes on three workloads.
[sweep]
traces   = traces/zipf.mmt.zst, traces/hotcold.mmt.zst, traces/loop.mmt.zst
policies = linux, mglru, lru, fifo, clock, 2q, arc, lirs, clockpro, opt
capacity = 1000, 2000, 4000, 8000, 16000
INI
"$mmsim" sweep demo-sweep.ini -o sweep

echo "== 3. One-pass LRU miss-ratio curve (mmsim mrc)"
"$mmsim" mrc traces/zipf.mmt.zst --sizes 1000,2000,4000,8000,16000 -o mrc-lru-zipf.csv
cat mrc-lru-zipf.csv

echo "== 4. The full machine (x86-64, 128 MiB): forking workload, page tables, TLBs"
"$mmsim" gen forkcow --pages 4000 --children 3 --accesses 200000 --write-frac 0.3 -o traces/forkcow.mmt.zst
"$mmsim" run -q -p clock -m 128M --interval 1ms traces/forkcow.mmt.zst -o machine-run
awk -F, 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} NR==2{printf "  pgfault %s (anon %s, cow %s), page tables %s pages, TLB L1d hit ratio %.3f\n", $(h["pgfault"]), $(h["fault_anon"]), $(h["fault_cow"]), $(h["nr_page_table_pages"]), $(h["tlb_l1d_hit"])/($(h["tlb_l1d_hit"])+$(h["tlb_l1d_miss"]))}' machine-run/summary.csv

echo "== 5. Memory pressure (x86-64, 64 MiB, 256 MiB swap): the default linux policy"
"$mmsim" gen zipf --pages 30000 --accesses 1000000 --alpha 0.8 --write-frac 0.3 --seed 3 -o traces/zipf-anon.mmt.zst
"$mmsim" run -q -m 64M -s swap.size=256M --interval 5ms traces/zipf-anon.mmt.zst -o pressure-run
awk -F, 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} NR==2{printf "  pgmajfault %s, pswpin %s, pswpout %s, kswapd wakeups %s, pgsteal_kswapd %s, allocstall %s, refaults %s (activated %s)\n", $(h["pgmajfault"]), $(h["pswpin"]), $(h["pswpout"]), $(h["kswapd_wakeups"]), $(h["pgsteal_kswapd"]), $(h["allocstall"]), $(h["workingset_refault_anon"]), $(h["workingset_activate_anon"])}' pressure-run/summary.csv

echo "== 6. KSM: 8 guests sharing a base image (ksmd, 1 GiB machine)"
"$mmsim" gen ksm --pids 8 --pages 4000 --accesses 400000 --write-frac 0.3 --time-step 10us --seed 4 -o traces/ksm.mmt.zst
"$mmsim" run -q -m 1G -s ksm.run=1 -s ksm.pages_to_scan=1000 --interval 20ms traces/ksm.mmt.zst -o ksm-run
awk -F, 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} NR==2{printf "  pages_shared %s, pages_sharing %s, full scans %s, anon pages %s of 32000 written\n", $(h["ksm_pages_shared"]), $(h["ksm_pages_sharing"]), $(h["ksm_full_scans"]), $(h["nr_anon_pages"])}' ksm-run/summary.csv

echo "== 7. Figures (mmsim plot)"
mkdir -p sweep-per-trace
for t in zipf hotcold loop; do
	# One figure per workload: results.csv rows of that trace only.
	awk -F, -v t="traces/$t.mmt.zst" 'NR==1 || $2==t' sweep/results.csv > "sweep-per-trace/$t.csv"
	"$mmsim" plot "sweep-per-trace/$t.csv" --kind mrc --title "Miss ratio: $t" -o "mrc-$t.png"
	"$mmsim" plot "sweep-per-trace/$t.csv" --kind mrc --title "Miss ratio: $t" -o "mrc-$t.pdf"
done
"$mmsim" plot machine-run --kind timeline -o timeline.png
"$mmsim" plot pressure-run --kind timeline --title "Free memory under pressure (linux, 64 MiB)" -o timeline-pressure.png
"$mmsim" plot ksm-run --kind ksm --title "KSM: 8 guests, 4000 pages each" -o ksm.png
"$mmsim" plot pressure-run --kind lru --title "LRU lists under pressure (linux, 64 MiB)" -o lru-pressure.png

echo
echo "Demo finished. Look at:"
echo "  $out/sweep/results.csv    one row per run: parameters, then every counter"
echo "  $out/mrc-zipf.png mrc-hotcold.png mrc-loop.png (and .pdf)   miss ratio vs cache size per policy"
echo "  $out/machine-run/         a full-machine run (summary.csv, timeline.csv, config.ini)"
echo "  $out/timeline.png         its free pages over simulated time"
echo "  $out/pressure-run/        64 MiB with swap under a 117 MiB zipf workload (kswapd, swap, refaults)"
echo "  $out/timeline-pressure.png lru-pressure.png   free pages vs watermarks, LRU list sizes"
echo "  $out/ksm-run/ ksm.png     KSM merging 8 guests over time"
echo "  $out/mrc-lru-zipf.csv     the one-pass LRU curve (mmsim mrc)"
awk -F, 'NR==1{for(i=1;i<=NF;i++) h[$i]=i; next}
	 $2=="traces/zipf.mmt.zst" && $4==4000 {printf "  zipf @ 4000 pages: %-6s miss ratio %.3f\n", $3, $(h["misses"])/$(h["accesses"])}' sweep/results.csv
