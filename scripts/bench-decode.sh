#!/usr/bin/env bash
# Decoding speed, ours beside the PyTorch reference, on the same machine in the same run.
#   scripts/bench-decode.sh OUR_MODEL_DIR REFERENCE_MODEL_DIR [INPUT [REFERENCE_TRANSLATION]]
# Translates test_2016_flickr fr→en (default) greedy at batch 64 and with beam 5 at batch 32, 2 threads,
# alternating ours / reference twice. Times are whole-command wall times (process start and model load
# included, for both); peak RSS from /usr/bin/time; BLEU of each output with `seq2seq bleu`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ours_model="$1" ref_model="$2"
data="${MULTI30K:-$root/../shared/data/multi30k}"
input="${3:-$data/test_2016_flickr.fr}" refs="${4:-$data/test_2016_flickr.en}"
reference="${REFERENCE:-$root/../shared/reference/rnn_nmt.py}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=$(wc -l < "$input")
"$root/seq2seq" --help > /dev/null   # build once, outside the timing

measure() {  # name command... → "seconds rss_mib"
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > /dev/null 2> "$work/$name.err"
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/$name.time"
}
bleu() { "$root/seq2seq" bleu --hyp "$1" --ref "$refs" --json | python3 -c "import json,sys; print(round(json.load(sys.stdin)['score'], 2))"; }

echo "decode | round | ours sent/s | ref sent/s | ratio | ours RSS MiB | ref RSS MiB | ours BLEU | ref BLEU"
for setting in "greedy 1 64" "beam5 5 32"; do
  read -r name beam batch <<< "$setting"
  for round in 1 2; do
    read -r o_s o_rss < <(measure "ours-$name" "$root/seq2seq" translate --model "$ours_model" --input "$input" \
      --output "$work/ours.$name" --beam "$beam" --batch-size "$batch" --threads 2)
    read -r r_s r_rss < <(measure "ref-$name" /usr/bin/python3 "$reference" translate --model "$ref_model" --input "$input" \
      --output "$work/ref.$name" --beam "$beam" --batch-size "$batch" --threads 2)
    python3 -c "
o, r = $n / $o_s, $n / $r_s
print(f'$name | $round | {o:.1f} | {r:.1f} | {o / r:.2f} | $o_rss | $r_rss | $(bleu "$work/ours.$name") | $(bleu "$work/ref.$name")')"
  done
done
uptime
