#!/usr/bin/env bash
# Test accuracy of a sentiment classifier by construction (plain, negated, contrast, ...), from the
# .construction file that scripts/make_sentiment_corpus.py writes beside each split:
#   scripts/sentiment-breakdown.sh models/sentiment [data/sentiment/test]
set -euo pipefail
model="${1:?usage: scripts/sentiment-breakdown.sh MODEL_DIR [SPLIT_PREFIX]}"
split="${2:-data/sentiment/test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
predicted="$(mktemp)"
trap 'rm -f "$predicted"' EXIT
"$root/seq2seq" classify predict --model "$model" --input "$split.txt" --output "$predicted"
paste "$split.construction" "$split.labels" "$predicted" | awk -F'\t' '
  { n[$1]++; if ($2 == $3) right[$1]++; else wrong[$1] = wrong[$1] " " $2 "->" $3 }
  END {
    printf "%-20s %9s %9s  %s\n", "construction", "sentences", "accuracy", "errors (gold->predicted)"
    for (k in n) printf "%-20s %9d %8.1f%%  %s\n", k, n[k], 100 * right[k] / n[k], wrong[k]
  }' | { IFS= read -r header; echo "$header"; sort; }
