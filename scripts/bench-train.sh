#!/usr/bin/env bash
# Training throughput, ours beside the PyTorch reference, on the same machine in the same run.
#   scripts/bench-train.sh [--batches N] [--rounds R]
# Both train Multi30k fr→en (../shared/data/multi30k) at the reference's settings: 8,000 BPE per side,
# 64 sentences a batch, 2 threads; 10 warm-up batches, then N measured batches (default 120), alternating
# ours / reference R times (default 2). Prints target tokens/s (median of 20-batch windows) and peak RSS.
# Needs Debian's python3-torch, python3-sentencepiece and libopenblas0-pthread for the reference.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${MULTI30K:-$root/../shared/data/multi30k}"
reference="${REFERENCE:-$root/../shared/reference/rnn_nmt.py}"
batches=120 rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --batches) batches="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--batches N] [--rounds R]" >&2; exit 2 ;;
  esac
done
[ -f "$data/train.fr" ] || { echo "no Multi30k at $data (set MULTI30K=DIR)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n 64 "$data/val.fr" > "$work/dev.fr"    # a small dev set: the benchmark times training, not validation
head -n 64 "$data/val.en" > "$work/dev.en"
steps=$((10 + batches))
sed -e "s|^model_dir: .*|model_dir: \"$work/ours\"|" \
    -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$work/dev\"|" -e "s|^  test: .*||" \
    -e "s|^  max_steps: .*|  max_steps: $steps|" -e "s|^  epochs: .*|  epochs: 0|" \
    -e "s|^  validation_freq: .*|  validation_freq: 100000|" -e "s|^  logging_freq: .*|  logging_freq: 10|" \
    -e "s|^threads: .*|threads: 2|" "$root/configs/multi30k_fr_en.yaml" > "$work/bench.yaml"
"$root/seq2seq" --help > /dev/null   # build once, outside the timing

ours() {
  rm -rf "$work/ours"
  /usr/bin/time -f "%M" -o "$work/rss" "$root/seq2seq" train "$work/bench.yaml" > "$work/ours.out" 2>&1
  # Windows of 20 batches after the 10 warm-up ones: steps 30, 50, ...; the log has one line per 10 steps.
  python3 - "$work/ours/train.log" "$work/rss" <<'PY'
import re, statistics, sys
rates = {}
for line in open(sys.argv[1]):
    m = re.search(r"step (\d+) .* ([0-9.]+) tok/s", line)
    if m: rates[int(m.group(1))] = float(m.group(2))
steps = sorted(s for s in rates if s > 10)
pairs = [(rates[a] + rates[b]) / 2 for a, b in zip(steps[0::2], steps[1::2])]  # two 10-step windows = one of 20
print(f"{statistics.median(pairs):.1f} {int(open(sys.argv[2]).read().split()[-1]) / 1024:.1f}")
PY
}

reference_run() {
  /usr/bin/python3 "$reference" bench train --data "$data" --src fr --trg en --work "$work/ref" \
    --batches "$batches" --threads 2 > "$work/ref.json" 2> "$work/ref.err"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['window_trg_tok_per_s']['median'], d['peak_rss_mib'])" "$work/ref.json"
}

echo "round | ours tok/s | ref tok/s | ratio | ours RSS MiB | ref RSS MiB"
for r in $(seq 1 "$rounds"); do
  read -r o_tps o_rss < <(ours)
  read -r r_tps r_rss < <(reference_run)
  ratio=$(python3 -c "print(f'{$o_tps / $r_tps:.2f}')")
  echo "$r | $o_tps | $r_tps | $ratio | $o_rss | $r_rss"
done
uptime
