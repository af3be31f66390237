#!/usr/bin/env bash
# One task of a Slurm job array (or a Kubernetes Indexed Job): translates its shard of INPUT into PREFIX.I-of-N
# and its completion record PREFIX.I-of-N.done. The shard comes from the scheduler's environment
# (SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; JOB_COMPLETION_INDEX with --shards N). A task that is run again
# after its shard finished skips it; one killed mid-way leaves no record and translates its shard again.
#
#   sbatch --array=0-9 scripts/cluster/translate-array.sh MODEL_DIR INPUT PREFIX [translate flags, e.g. --beam 5]
#   SEQ2SEQ="dotnet path/to/Seq2Seq.Cli.dll" ...      use a given build (default: seq2seq on the PATH)
#
# Then, when every task has finished: scripts/cluster/merge.sh MODEL_DIR INPUT PREFIX N OUTPUT
#SBATCH --job-name=seq2seq-translate
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: translate-array.sh MODEL_DIR INPUT PREFIX [translate flags]" >&2
  exit 2
fi
model="$1" input="$2" prefix="$3"
shift 3
read -r -a cli <<< "${SEQ2SEQ:-seq2seq}"
threads=()
# Under Slurm, decode on the cores the task was given, unless the flags name a thread count themselves.
if [ -n "${SLURM_CPUS_PER_TASK:-}" ] && [[ " $* " != *" --threads "* ]]; then threads=(--threads "$SLURM_CPUS_PER_TASK"); fi
exec "${cli[@]}" translate --model "$model" --input "$input" --output "$prefix" --shard auto "${threads[@]}" "$@"
