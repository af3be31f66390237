#!/usr/bin/env bash
# Crash-safety test: starts a small training run, kills it with SIGKILL at random moments, and after every
# kill checks that each checkpoint in the model directory loads (`seq2seq checkpoint check`) and that the
# next `--resume` goes on from where last.ckpt says. Ends with a resume that runs to completion.
#
#   scripts/kill-test.sh [KILLS] [WORK_DIR]       KILLS defaults to 30; WORK_DIR to a fresh temp folder
#   SEQ2SEQ="dotnet path/to/Seq2Seq.Cli.dll" scripts/kill-test.sh 5      use a given build (as the tests do)
#
# Prints "kill-test: N kills survived" and exits 0, or names the first failure and exits 1.
set -euo pipefail
kills="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${2:-$(mktemp -d /tmp/seq2seq-kill-test.XXXXXX)}"
read -r -a cli <<< "${SEQ2SEQ:-$root/seq2seq}"
mkdir -p "$work"
cd "$work"

# A tiny corpus (the first 400 pairs of the sample) and a small model that validates and saves every 3 steps.
head -n 400 "$root/data/sample/train.fr" > train.fr
head -n 400 "$root/data/sample/train.en" > train.en
head -n 20 "$root/data/sample/dev.fr" > dev.fr
head -n 20 "$root/data/sample/dev.en" > dev.en
cat > config.yaml <<YAML
name: kill-test
model_dir: model
seed: 1
threads: 1
data: {train: train, dev: dev, src: fr, trg: en}
subwords: {src_vocab_size: 200, trg_vocab_size: 200}
model: {embedding_dim: 16, encoder_hidden: 16, decoder_hidden: 32, attention_dim: 16}
training: {batch_size: 16, epochs: 0, max_steps: 100000, validation_freq: 3, logging_freq: 1}
testing: {beam_size: 1, batch_size: 20}
YAML

fail() { echo "kill-test: FAILED after $survived kills: $*" >&2; exit 1; }
last_step() { "${cli[@]}" checkpoint check model 2>&1 | sed -n 's/^last.ckpt: ok (step \([0-9]*\),.*/\1/p'; }

survived=0
midwrite=0
step=-1
for ((i = 1; i <= kills; i++)); do
  if [ -f model/last.ckpt ]; then mode=(--resume); else mode=(--overwrite); fi
  "${cli[@]}" train config.yaml "${mode[@]}" > "train.$i.log" 2>&1 &
  pid=$!
  # Odd kills land anywhere in the first 3 seconds (start-up, subwords, loading last.ckpt, training);
  # even kills wait for the first progress line, then land in the next 1.5 seconds (training, validation, saving).
  if ((i % 2 == 0)); then
    for ((w = 0; w < 600; w++)); do
      grep -q '^epoch ' "train.$i.log" 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 1.5 * rand() }')"
  else
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.2 + 2.8 * rand() }')"
  fi
  kill -9 "$pid" 2>/dev/null || fail "run $i ended before the kill (see $work/train.$i.log)"
  wait "$pid" 2>/dev/null || true
  # A temporary checkpoint left behind means the kill landed in the middle of writing one.
  if compgen -G "model/*.tmp*" > /dev/null; then midwrite=$((midwrite + 1)); fi
  if [ -f model/last.ckpt ]; then
    out="$("${cli[@]}" checkpoint check model 2>&1)" || fail "a checkpoint does not load after kill $i: $out"
    [ -f model/best.ckpt ] || fail "last.ckpt without best.ckpt after kill $i"
    now="$(last_step)"
    [ -n "$now" ] && [ "$now" -ge "$step" ] || fail "last.ckpt went back from step $step to '$now' after kill $i"
    step="$now"
  fi
  survived=$((survived + 1))
  echo "kill $i: survived; last.ckpt at step $step"
done

# The directory must still resume and finish: a few more steps, then a clean exit and loadable checkpoints.
[ -f model/last.ckpt ] || fail "no run got as far as a checkpoint; give the runs more time"
sed -i "s/max_steps: 100000/max_steps: $((step + 6))/" config.yaml
"${cli[@]}" train config.yaml --resume > train.final.log 2>&1 || fail "the final --resume failed: $(tail -n 3 train.final.log)"
grep -q "resumed from" train.final.log || fail "the final run did not resume"
"${cli[@]}" checkpoint check model > /dev/null 2>&1 || fail "checkpoints do not load after the final run"
[ "$(last_step)" -eq $((step + 6)) ] || fail "the final run did not continue from step $step"
echo "kill-test: $survived kills survived ($midwrite of them while a file was being written)"
