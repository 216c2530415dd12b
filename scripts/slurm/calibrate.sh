#!/usr/bin/env bash
# Submit a calibration as SLURM jobs: for each generation, a job array of N
# shards that score its attempts (calibrate-shard.sbatch), then one job that
# completes the generation from their scores (calibrate-merge.sbatch), each
# step waiting for the one before. Prints the last job's id; OUT then holds
# the posterior, the same bytes one machine would have written.
#   scripts/slurm/calibrate.sh CALIBRATION.toml OUT N [GENERATIONS]
# GENERATIONS (default: the file's `generations`, else 5) is how many rounds
# to submit; the rounds after the calibration stops (final_tolerance,
# min_acceptance) have nothing to do. RESIST (default: resist on the PATH)
# names the binary; the nodes must see it and the paths (a shared file system).
set -euo pipefail
usage="usage: calibrate.sh CALIBRATION.toml OUT N [GENERATIONS]"
file=${1:?$usage}
out=${2:?$usage}
n=${3:?$usage}
rounds=${4:-$(sed -n 's/^[[:space:]]*generations[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$file" | head -1)}
rounds=${rounds:-5}
here=$(cd "$(dirname "$0")" && pwd)
after=()
for t in $(seq 0 $((rounds - 1))); do
  array=$(sbatch --parsable ${after[@]+"${after[@]}"} --array=0-$((n - 1)) "$here/calibrate-shard.sbatch" "$file" "$out" "$t")
  merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/calibrate-merge.sbatch" "$file" "$out")
  after=(--dependency=afterok:"$merge")
done
echo "$merge"
