#!/usr/bin/env bash
# The step after every task of scripts/cluster/translate-array.sh has finished: checks that the N parts
# PREFIX.0-of-N ... are complete and belong to INPUT and MODEL_DIR, and writes the translation in input order
# to OUTPUT. Exits 1 naming the first missing, incomplete or stale part (run that shard again, then merge again).
#
#   scripts/cluster/merge.sh MODEL_DIR INPUT PREFIX N OUTPUT
#   sbatch --dependency=afterok:JOBID scripts/cluster/merge.sh MODEL_DIR INPUT PREFIX N OUTPUT
#SBATCH --job-name=seq2seq-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=01:00:00
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: merge.sh MODEL_DIR INPUT PREFIX N OUTPUT" >&2
  exit 2
fi
read -r -a cli <<< "${SEQ2SEQ:-seq2seq}"
exec "${cli[@]}" merge --model "$1" --input "$2" --parts "$3" --shards "$4" --output "$5"
