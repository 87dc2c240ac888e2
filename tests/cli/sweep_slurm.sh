#!/usr/bin/env bash
# sweep_slurm.sh - 'mmsim sweep --emit slurm' against a real single-node Slurm
# (slurmctld + slurmd + munged started here, under a private directory; see
# reference/slurm-local.md): submit the emitted array + merge jobs for a small
# sweep, wait for them, and check results.csv is identical to a local -j 2 run.
# Every daemon started here is stopped by PID on exit. Without root, or when
# slurm-wlm/munge cannot be installed, the test is skipped (exit 77).
set -u
MMSIM=${MMSIM:?MMSIM must point at the mmsim binary}
MMSIM=$(realpath "$MMSIM")
skip() { echo "sweep_slurm.sh: SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmd and munged"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
		skip "slurm-wlm and munge are not installed and apt-get failed"
fi
[ -f /etc/munge/munge.key ] || skip "no /etc/munge/munge.key"

L=$(mktemp -d /tmp/mmsim-slurm-XXXXXX)
chmod 755 "$L"
pids=()
cleanup() {
	for f in "$L/run/slurmd.pid" "$L/run/slurmctld.pid" "$L/munge/munged.pid"; do
		[ -f "$f" ] || continue
		p=$(cat "$f")
		kill "$p" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$L"
}
trap cleanup EXIT

mkdir -p "$L"/{munge,run,spool/ctld,spool/d,log,work}
cp /etc/munge/munge.key "$L/munge/munge.key"
chown -R munge:munge "$L/munge"
chmod 600 "$L/munge/munge.key"
chmod 755 "$L/munge"
chown slurm "$L/run" "$L/spool/ctld" "$L/log"
sed "s|\$L|$L|g" > "$L/slurm.conf" <<'CONF'
ClusterName=mmsimtest
SlurmctldHost=localhost
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$L/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmUser=slurm
SlurmdUser=root
SlurmctldPidFile=$L/run/slurmctld.pid
SlurmdPidFile=$L/run/slurmd.pid
SlurmdSpoolDir=$L/spool/d
StateSaveLocation=$L/spool/ctld
SlurmctldLogFile=$L/log/slurmctld.log
SlurmdLogFile=$L/log/slurmd.log
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
NodeName=localhost CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=20000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
MailProg=/bin/true
CONF
export SLURM_CONF=$L/slurm.conf
runuser -u munge -- munged --socket="$L/munge/munge.socket" --key-file="$L/munge/munge.key" \
	--pid-file="$L/munge/munged.pid" --log-file="$L/munge/munged.log" \
	--seed-file="$L/munge/munged.seed" || skip "munged did not start"
slurmctld || skip "slurmctld did not start: $(tail -3 "$L/log/slurmctld.log")"
slurmd -N localhost || skip "slurmd did not start: $(tail -3 "$L/log/slurmd.log")"
for _ in $(seq 100); do
	[ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && break
	sleep 0.2
done
[ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] || skip "the node never became idle"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$L/work" || exit 1
"$MMSIM" gen zipf --pages 300 --accesses 5000 -o z.mmt.zst
"$MMSIM" gen loop --pages 200 --accesses 3000 -o l.mmt.zst
printf '[sweep]\ntraces = z.mmt.zst, l.mmt.zst\npolicies = lru, fifo, clock\ncapacity = 50, 150\n' > s.ini
"$MMSIM" sweep s.ini -o local -j 2 -q || fail "local sweep"
"$MMSIM" sweep s.ini -o cluster --emit slurm --bundle 4 > /dev/null || fail "emit slurm"
grep -q -- '--array=0-2' cluster/sweep.sbatch || fail "12 runs in bundles of 4 = 3 array tasks"
merge_id=$(cluster/submit-slurm.sh | tail -1) || fail "submit"
for _ in $(seq 300); do
	[ -f cluster/results.csv ] && ! squeue -h -j "$merge_id" 2>/dev/null | grep -q . && break
	sleep 0.2
done
[ -f cluster/results.csv ] || fail "no results.csv after 60 s: $(cat cluster/slurm-*.out 2>/dev/null | tail -5)"
[ "$(ls -d cluster/runs/*/ | wc -l)" = 12 ] || fail "expected 12 finished runs"
cmp -s local/results.csv cluster/results.csv || fail "Slurm results differ from the local run"

[ $failures -eq 0 ] && echo "sweep_slurm.sh: all checks passed"
exit $((failures > 0))
