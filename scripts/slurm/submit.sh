#!/usr/bin/env bash
# Submit a sweep as a SLURM job array of N shards and a merge job that waits
# for all of them. Prints the merge job's id.
#   scripts/slurm/submit.sh SWEEP.toml OUT N
# RESIST (default: resist on the PATH) names the binary; the nodes must see it
# and the paths (a shared file system).
set -euo pipefail
sweep=${1:?usage: submit.sh SWEEP.toml OUT N}
out=${2:?usage: submit.sh SWEEP.toml OUT N}
n=${3:?usage: submit.sh SWEEP.toml OUT N}
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --array=0-$((n - 1)) "$here/sweep.sbatch" "$sweep" "$out")
sbatch --parsable --dependency=afterok:"$array" "$here/merge.sbatch" "$out" "$n"
