#!/usr/bin/env bash
# Test the SLURM scripts on a real single-node cluster started here: install
# munge, slurmctld and slurmd from Debian's packages, start them on localhost
# (no systemd), submit a 3-shard sweep with its dependent merge, and a
# calibration of 2 generations of 3 shards and a merge each, and check both
# outputs against the same sweep and calibration run on one machine. Skips (exit 0, and
# says so) where it cannot run: not root, or no apt-get. Needs the release
# binary (cargo build --release). The steps were first tried by hand on a
# Debian 12 machine like the CI one (no systemd).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
resist="$root/target/release/resist"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "slurm test skipped: needs root and apt-get"; exit 0
fi
[ -x "$resist" ] || { echo "build first: cargo build --release"; exit 1; }
if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
  echo "a slurmctld or slurmd not started by this test is running; refusing"; exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
cleanup() {
  for f in /run/slurm/slurmd.pid /run/slurm/slurmctld.pid /run/munge/munged.pid; do
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
}
trap cleanup EXIT
# munge
[ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown -R munge:munge /etc/munge; chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge; chown munge:munge /run/munge; chmod 0755 /run/munge
runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null
# slurm
host=$(hostname -s)
node=$(slurmd -C | head -1)
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm /etc/slurm
rm -rf /var/spool/slurmctld/* /var/spool/slurmd/*
chown slurm:slurm /var/spool/slurmctld /var/log/slurm /run/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
slurmd
for _ in $(seq 50); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { echo "the node did not come up: $state"; exit 1; }
# The sweep: 3 shards and a merge on the cluster, and one machine.
work=$(mktemp -d)
sweep="$root/tests/data/sweep/grid.toml"
cd "$work"
export RESIST="$resist"
merge=$("$root/scripts/slurm/submit.sh" "$sweep" "$work/cluster" 3)
for _ in $(seq 600); do
  squeue -h -j "$merge" 2>/dev/null | grep -q . || break
  sleep 0.2
done
"$resist" sweep "$sweep" --out "$work/one" >/dev/null 2>&1
failed=0
for f in runs.csv aggregates.csv manifest.json; do
  if cmp -s "$work/one/$f" "$work/cluster/$f"; then echo "same: $f"; else echo "DIFFERENT: $f"; failed=1; fi
done
[ "$failed" = 0 ] || { tail -5 "$work"/resist-*.log || true; exit 1; }
# The calibration: for each of 2 generations, 3 shards and the run that
# completes it on the cluster (calibrate.sh), and one machine.
cat > "$work/calibration.toml" <<CAL
scenario = "$root/scenarios/epstein.toml"
seed = 4
days = 20
particles = 20
generations = 2
[[free]]
key = "epstein.legitimacy"
min = 0.5
max = 0.95
[[target]]
outcome = "mean_active"
interval = [40, 60]
scale = 5
CAL
last=$("$root/scripts/slurm/calibrate.sh" "$work/calibration.toml" "$work/calibration-cluster" 3)
for _ in $(seq 900); do
  squeue -h -j "$last" 2>/dev/null | grep -q . || break
  sleep 0.2
done
"$resist" calibrate "$work/calibration.toml" --out "$work/calibration-one" >/dev/null 2>&1
for f in posterior.csv generations.csv manifest.json; do
  if cmp -s "$work/calibration-one/$f" "$work/calibration-cluster/$f"; then echo "same: calibration $f"; else echo "DIFFERENT: calibration $f"; failed=1; fi
done
[ "$failed" = 0 ] || { tail -5 "$work"/resist-calibrate-*.log || true; exit 1; }
echo "slurm: 2 passed, 0 failed"
