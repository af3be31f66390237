#!/usr/bin/env bash
# Speed on a GPU machine, ours (the bundle, through run-on-gpu.sh) beside the PyTorch reference run there with the
# machine's own PyTorch, in the same run, same data (docs/gpu.md):
#   scripts/gpu/bench.sh [--device cuda] [--out DIR] [--batches N] [--big-batch TOKENS] [--ref-big-batch SENTENCES]
#                        [--train-minutes M] [--model DIR --ref-model DIR] [--only train|decode] [-- RUN-ON-GPU-OPTIONS...]
# 1. training target tokens/s (median of 20-batch windows after 10 warm-up batches, as scripts/bench-vs-reference.sh) at the
#    reference's batch (64 sentences) and at a speed setting (ours: --big-batch target tokens, default 8000; the
#    reference: --ref-big-batch sentences, default 550, about as many tokens), and peak GPU memory;
# 2. decoding sentences/s on test_2016_flickr: greedy at batch 64 and 1000, beam 5 at batch 32 and 256. Ours is timed
#    as (N - 1) / (T(N lines) - T(1 line)): whole-command times less the start (runtime, model load, CUDA set-up),
#    and by translate --stats (one pass after loading the model, the first batch's CUDA set-up included);
#    the reference's own `bench decode` times its warm in-process loop (median of 3);
# 3. BLEU of ours (test_2016_flickr, beam 5, batch 32) and the reference's translate output, with `seq2seq bleu`.
# Decoding needs trained models: --model/--ref-model, else both are trained here for --train-minutes (default 3).
# --only train or --only decode runs parts 1 or 2-3 alone (each takes under 10 minutes).
# Peak GPU memory: the maximum of nvidia-smi's memory.used sampled every 100 ms while a command runs (the CUDA
# context included, for both). Results: a table on stdout, raw logs and JSON in --out (default bench-gpu/).
# Data: data/multi30k (scripts/get-multi30k.sh --from gpu-bundle/data/multi30k); reference: gpu-bundle/reference.
# Everything after -- goes to run-on-gpu.sh (e.g. --shipped-shim --libtorch DIR for a CPU dry run with --device cpu).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
device=cuda out="$root/bench-gpu" batches=120 big=8000 ref_big=550 minutes=3 model="" ref_model="" only=all
data="${MULTI30K:-$root/data/multi30k}"
reference="${REFERENCE:-$root/gpu-bundle/reference/rnn_nmt.py}"
python="${REF_PYTHON:-python3}"
run_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --big-batch) big="$2"; shift 2 ;;
    --ref-big-batch) ref_big="$2"; shift 2 ;;
    --train-minutes) minutes="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --ref-model) ref_model="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --) shift; run_opts=("$@"); break ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -f "$data/train.fr" ] || { echo "bench.sh: no Multi30k in $data (scripts/get-multi30k.sh --from gpu-bundle/data/multi30k)" >&2; exit 1; }
[ -f "$reference" ] || { echo "bench.sh: no reference at $reference (set REFERENCE=FILE)" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"; [ -z "${sampler:-}" ] || kill "$sampler" 2> /dev/null || true' EXIT
seq2seq="$("$root/scripts/gpu/run-on-gpu.sh" --setup-only "${run_opts[@]}")"
ref_device=()
[ "$device" = cpu ] || ref_device=(--device "$device")
ref_threads=(--threads "$(nproc)")

# Runs a command, recording its wall time and the peak GPU memory (nvidia-smi, every 100 ms) into $out/NAME.time.
measure() {  # NAME COMMAND...  (stdout to $out/NAME.out, stderr to $out/NAME.err)
  local name="$1" start end peak=n/a; shift
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$work/$name.mem" 2> /dev/null &
    sampler=$!
  fi
  start=$(date +%s.%N)
  "$@" > "$out/$name.out" 2> "$out/$name.err" || { echo "bench.sh: $name failed, see $out/$name.err" >&2; tail -n 5 "$out/$name.err" >&2; exit 1; }
  end=$(date +%s.%N)
  if [ -n "${sampler:-}" ]; then
    kill "$sampler" 2> /dev/null || true; wait "$sampler" 2> /dev/null || true; sampler=""
    peak=$(sort -n "$work/$name.mem" | tail -n 1)
  fi
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}') ${peak:-n/a}" > "$out/$name.time"
}
seconds() { cut -d' ' -f1 "$out/$1.time"; }
peak() { cut -d' ' -f2 "$out/$1.time"; }

# The config of ours for a benchmark: the Multi30k fr→en one with a small dev set and the given batch.
config() {  # FILE MODEL_DIR BATCH_SIZE BATCH_TYPE MAX_STEPS MAX_MINUTES VALIDATION_FREQ
  head -n 64 "$data/val.fr" > "$work/dev.fr"; head -n 64 "$data/val.en" > "$work/dev.en"
  local dev="$work/dev"
  [ "$7" -ge 100000 ] || dev="$data/val"
  sed -e "s|^model_dir: .*|model_dir: \"$2\"|" -e "s|^device: .*|device: \"$device\"|" -e "s|^threads: .*|threads: 0|" \
      -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$dev\"|" -e "s|^  test: .*|  test: \"$data/test_2016_flickr\"|" \
      -e "s|^  batch_size: 64 .*|  batch_size: $3|" -e "s|^  batch_type: .*|  batch_type: \"$4\"|" \
      -e "s|^  max_steps: .*|  max_steps: $5|" -e "s|^  max_minutes: .*|  max_minutes: $6|" -e "s|^  epochs: .*|  epochs: 0|" \
      -e "s|^  validation_freq: .*|  validation_freq: $7|" -e "s|^  logging_freq: .*|  logging_freq: 10|" \
      "$root/configs/multi30k_fr_en.yaml" > "$1"
}
# Median target tokens/s over 20-step windows after the 10 warm-up steps, from a train.log (one line per 10 steps).
log_rate() {
  python3 - "$1" << 'PY'
import re, statistics, sys
rates = {}
for line in open(sys.argv[1]):
    m = re.search(r"step (\d+) .* ([0-9.]+) tok/s", line)
    if m: rates[int(m.group(1))] = float(m.group(2))
steps = sorted(s for s in rates if s > 10)
pairs = [(rates[a] + rates[b]) / 2 for a, b in zip(steps[0::2], steps[1::2])]
print(f"{statistics.median(pairs or [rates[s] for s in steps] or list(rates.values()) or [0]):.0f}")
PY
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

echo "bench.sh: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2> /dev/null || echo "no nvidia-smi"), device $device, $(date -u +%FT%TZ)" | tee -a "$out/summary.md"
steps=$((10 + batches))

# 1. Training.
if [ "$only" != decode ]; then
  for setting in "b64 64 sentences 64" "big $big tokens $ref_big"; do
    read -r name size type ref_size <<< "$setting"
    config "$work/train-$name.yaml" "$work/ours-$name" "$size" "$type" "$steps" 0 100000
    measure "train-ours-$name" "$seq2seq" train "$work/train-$name.yaml"
    cp "$work/ours-$name/train.log" "$out/train-ours-$name.log"
    measure "train-ref-$name" "$python" "$reference" bench train --data "$data" --src fr --trg en --work "$work/ref-$name" \
      --batches "$batches" --batch-size "$ref_size" "${ref_device[@]}" "${ref_threads[@]}"
    o=$(log_rate "$out/train-ours-$name.log")
    r=$(json "$out/train-ref-$name.out" "d['window_trg_tok_per_s']['median']")
    rb=$(json "$out/train-ref-$name.out" "round(d['mean_trg_tokens_per_batch'])")
    echo "| train $name | ours $size $type: $o tok/s, peak $(peak "train-ours-$name") MiB | ref $ref_size sentences ($rb tok/batch): $r tok/s, peak $(peak "train-ref-$name") MiB | ratio $(python3 -c "print(f'{$o / max($r, 1e-9):.2f}')") |" | tee -a "$out/summary.md"
  done
fi

[ "$only" != train ] || { echo "bench.sh: results in $out" >&2; exit 0; }

# 2. Models for decoding.
if [ -z "$model" ]; then
  config "$work/model.yaml" "$work/ours-model" 64 sentences 0 "$minutes" 454
  measure train-ours-model "$seq2seq" train "$work/model.yaml"
  cp "$work/ours-model/train.log" "$out/train-ours-model.log"
  model="$work/ours-model"
fi
if [ -z "$ref_model" ]; then
  measure train-ref-model "$python" "$reference" train --data "$data" --src fr --trg en --out "$work/ref-model" \
    --minutes "$minutes" "${ref_device[@]}" "${ref_threads[@]}"
  ref_model="$work/ref-model"
fi

# 3. Decoding.
input="$data/test_2016_flickr.fr"
n=$(wc -l < "$input")
head -n 1 "$input" > "$work/one.fr"
measure ref-decode-small "$python" "$reference" bench decode --model "$ref_model" --input "$input" --greedy-batch 64 --beam-batch 32 \
  "${ref_device[@]}" "${ref_threads[@]}"
measure ref-decode-large "$python" "$reference" bench decode --model "$ref_model" --input "$input" --greedy-batch 1000 --beam-batch 256 \
  "${ref_device[@]}" "${ref_threads[@]}"
for setting in "greedy 1 64 small" "greedy 1 1000 large" "beam5 5 32 small" "beam5 5 256 large"; do
  read -r name beam batch size <<< "$setting"
  measure "ours-decode-$name-$batch-one" "$seq2seq" translate --model "$model" --input "$work/one.fr" --output "$work/one.hyp" \
    --beam "$beam" --batch-size "$batch" --device "$device" --threads 0
  measure "ours-decode-$name-$batch" "$seq2seq" translate --model "$model" --input "$input" --output "$out/ours.$name.$batch.hyp" \
    --beam "$beam" --batch-size "$batch" --device "$device" --threads 0 --stats
  o=$(python3 -c "print(f'{($n - 1) / max(1e-3, $(seconds "ours-decode-$name-$batch") - $(seconds "ours-decode-$name-$batch-one")):.1f}')")
  stats=$(sed -n 's/.* \([0-9.]*\) sentences\/s.*/\1/p' "$out/ours-decode-$name-$batch.err" | tail -n 1)
  r=$(json "$out/ref-decode-$size.out" "d['$name']['sent_per_s']['median']")
  echo "| decode $name batch $batch | ours $o sent/s (--stats, one cold pass after loading: ${stats:-n/a}; whole command $(seconds "ours-decode-$name-$batch") s), peak $(peak "ours-decode-$name-$batch") MiB | ref $r sent/s, peak $(peak "ref-decode-$size") MiB (both searches) | ratio $(python3 -c "print(f'{$o / max($r, 1e-9):.2f}')") |" | tee -a "$out/summary.md"
done

# 4. BLEU of both at beam 5 (batch 32), scored by our sacrebleu-exact BLEU.
"$python" "$reference" translate --model "$ref_model" --input "$input" --output "$out/ref.beam5.hyp" --beam 5 --batch-size 32 \
  "${ref_device[@]}" "${ref_threads[@]}" 2> "$out/ref-translate.err"
for f in "$out/ours.beam5.32.hyp" "$out/ref.beam5.hyp"; do
  echo "| BLEU $(basename "$f") | $("$seq2seq" bleu --hyp "$f" --ref "$data/test_2016_flickr.en" | head -n 1) |" | tee -a "$out/summary.md"
done
echo "bench.sh: results in $out" >&2
