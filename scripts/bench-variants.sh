#!/usr/bin/env bash
# The model variants side by side: every variant trains Multi30k fr→en for the same wall time on the same machine,
# one after the other, then translates dev and test_2016_flickr with beam 5.
#   [MULTI30K=DIR] scripts/bench-variants.sh [--minutes M] [--threads N] [--doc FILE] [--only NAME[,NAME...]]
# MULTI30K is the Multi30k folder (default data/multi30k, filled by scripts/get-multi30k.sh; see scripts/bench-lib.sh);
# without it the script stops at once with a line saying what to set. No PyTorch reference is needed.
# Variants (configs/multi30k_fr_en.yaml with one or two keys changed): gru_bahdanau (the default), lstm_bahdanau,
# rnn_bahdanau, gru_luong_general, gru_none (no attention: the fixed-vector bottleneck), gru_bahdanau_char
# (characters instead of BPE subwords on both sides, data.max_length 300). All: 64 sentences a batch, best
# checkpoint by dev loss (validated every 300 steps), max_minutes M (default 20) of training, validation included.
# Writes the table between the "variants" markers of docs/variants.md (or --doc FILE) and prints it: steps, training
# sentences/s and target tokens/s (tokens are subwords, or characters for the char variant), dev and test BLEU, and
# test BLEU by source length (French words), where the bottleneck of the fixed-vector model shows.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/bench-lib.sh"
data="$(multi30k_dir "$root")"
minutes=20 threads=2 doc="$root/docs/variants.md" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --doc) doc="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes M] [--threads N] [--doc FILE] [--only NAME[,NAME...]]" >&2; exit 2 ;;
  esac
done
require_multi30k "$data"
require_marker "$doc" variants
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/seq2seq" --help > /dev/null   # build outside the timing
uptime_before=$(uptime)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"

# name|sed expressions applied to the Multi30k config on top of the common ones
variants=(
  "gru_bahdanau|"
  "lstm_bahdanau|s|^  rnn_type: .*|  rnn_type: \"lstm\"|"
  "rnn_bahdanau|s|^  rnn_type: .*|  rnn_type: \"rnn\"|"
  "gru_luong_general|s|^  attention: .*|  attention: \"luong_general\"|"
  "gru_none|s|^  attention: .*|  attention: \"none\"|"
  "gru_bahdanau_char|s|^  type: .*|  type: \"char\"|;s|^  max_length: .*|  max_length: 300|"
)

# Test sentences by source length in words: bucket files of line numbers.
buckets=("1-10" "11-15" "16-20" "21+")
awk -v dir="$work" '{ n = NF; b = n <= 10 ? "1-10" : n <= 15 ? "11-15" : n <= 20 ? "16-20" : "21+"; print NR > (dir "/bucket." b) }' \
  "$data/test_2016_flickr.fr"
pick() {  # bucket file → stdout: those lines of stdin
  awk -v f="$1" 'BEGIN { while ((getline l < f) > 0) keep[l] = 1 } keep[FNR]'
}
bleu() { "$root/seq2seq" bleu --hyp "$1" --ref "$2" --json | /usr/bin/python3 -c "import json,sys; print('%.2f' % json.load(sys.stdin)['score'])"; }

rows="$work/rows.tsv"
: > "$rows"
for v in "${variants[@]}"; do
  name="${v%%|*}" edits="${v#*|}"
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  dir="$work/$name"
  sed -e "s|^model_dir: .*|model_dir: \"$dir\"|" -e "s|^threads: .*|threads: $threads|" \
      -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$data/val\"|" \
      -e "s|^  test: .*|  test: \"$data/test_2016_flickr\"|" \
      -e "s|^  epochs: .*|  epochs: 0|" -e "s|^  max_minutes: .*|  max_minutes: $minutes|" \
      -e "s|^  validation_freq: .*|  validation_freq: 300|" -e "s|^  logging_freq: .*|  logging_freq: 50|" \
      -e "s|^  eval_metric: .*|  eval_metric: \"loss\"|" \
      ${edits:+-e "$edits"} "$root/configs/multi30k_fr_en.yaml" > "$work/$name.yaml"
  say "$name: training for $minutes minutes"
  "$root/seq2seq" train "$work/$name.yaml" > "$work/$name.train.out" 2>&1 || { cat "$work/$name.train.out" >&2; exit 1; }
  say "$name: translating dev and test with beam 5"
  "$root/seq2seq" translate --model "$dir" --input "$data/val.fr" --output "$work/$name.dev.hyp" --beam 5 --batch-size 64 2> /dev/null
  "$root/seq2seq" translate --model "$dir" --input "$data/test_2016_flickr.fr" --output "$work/$name.test.hyp" --beam 5 \
    --batch-size 64 2> /dev/null
  # Steps, and the medians of the logged training speeds (sentences/s and target tokens/s).
  speed=$(/usr/bin/python3 - "$dir/train.log" <<'EOF'
import re, statistics, sys
steps, tok, sent = 0, [], []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r" step (\d+) .* (\d+) tok/s ([0-9.]+) sent/s", line)
    if m:
        tok.append(float(m.group(2))); sent.append(float(m.group(3)))
    m = re.search(r"stopped: .*; (\d+) steps;", line)
    if m:
        steps = int(m.group(1))
print(steps, round(statistics.median(sent), 1) if sent else 0, round(statistics.median(tok)) if tok else 0)
EOF
)
  line="$name $speed $(bleu "$work/$name.dev.hyp" "$data/val.en") $(bleu "$work/$name.test.hyp" "$data/test_2016_flickr.en")"
  for b in "${buckets[@]}"; do
    pick "$work/bucket.$b" < "$work/$name.test.hyp" > "$work/$name.test.$b.hyp"
    pick "$work/bucket.$b" < "$data/test_2016_flickr.en" > "$work/$name.test.$b.ref"
    line="$line $(bleu "$work/$name.test.$b.hyp" "$work/$name.test.$b.ref")"
  done
  echo "$line" >> "$rows"
  say "$name: $line"
done
uptime_after=$(uptime)

counts="$(wc -l < "$data/val.fr") $(wc -l < "$data/test_2016_flickr.fr") $(for b in "${buckets[@]}"; do wc -l < "$work/bucket.$b"; done | paste -sd' ')"
# A full run writes the whole table; --only replaces the rows it re-ran, keeps the others and adds a line saying so.
table=$(/usr/bin/python3 - "$rows" "$minutes" "$threads" "$commit" "$uptime_before" "$uptime_after" "$counts" "$doc" "$only" <<'EOF'
import re, sys
rows, minutes, threads, commit, before, after, counts, doc, only = sys.argv[1:10]
labels = {"gru_bahdanau": "GRU + Bahdanau", "lstm_bahdanau": "LSTM + Bahdanau", "rnn_bahdanau": "RNN (tanh) + Bahdanau",
          "gru_luong_general": "GRU + Luong (general)", "gru_none": "GRU, no attention",
          "gru_bahdanau_char": "GRU + Bahdanau, characters"}
n = counts.split()
fresh = {}
for line in open(rows):
    f = line.split()
    fresh[labels.get(f[0], f[0])] = "| " + " | ".join([labels.get(f[0], f[0])] + f[1:]) + " |"
if only:
    old = re.search(r"<!-- variants:begin -->\n(.*?)<!-- variants:end -->", open(doc, encoding="utf-8").read(), re.S).group(1)
    out, rerun = [], list(fresh)
    for l in old.rstrip("\n").splitlines():
        is_row = l.startswith("| ") and not l.startswith("| variant")
        out.append(fresh.pop(l.split("|")[1].strip(), l) if is_row else l)
        if is_row and fresh and not any(x.startswith("| ") and not x.startswith("| variant") for x in old.split(l, 1)[1].splitlines()):
            out += list(fresh.values())                                   # rows the table did not have yet
            fresh = {}
    out += ["", f"Re-run on their own with `--only {only}` at commit {commit}, {minutes} minutes on {threads} threads: "
            f"{', '.join(rerun)} (uptime before: `{before.strip()}`; after: `{after.strip()}`)."]
    print("\n".join(out))
    sys.exit(0)
out = [f"Produced by `scripts/bench-variants.sh --minutes {minutes} --threads {threads}` at commit {commit}: each variant "
       f"trained Multi30k fr→en for {minutes} minutes (validation included) on {threads} threads, one after the other, "
       f"keeping the checkpoint of lowest dev loss; dev (val, {n[0]} sentences) and test_2016_flickr ({n[1]}) translated "
       "with beam 5 and scored with `seq2seq bleu` (sacrebleu's 13a BLEU). Tokens are BPE subwords (8,000 per side), "
       "characters for the char variant.",
       "",
       f"| variant | steps | train sent/s | train tok/s | dev BLEU | test BLEU | test 1–10 words ({n[2]}) "
       f"| 11–15 ({n[3]}) | 16–20 ({n[4]}) | 21+ ({n[5]}) |",
       "|---|---|---|---|---|---|---|---|---|---|"]
out += list(fresh.values())
out += ["", f"uptime before: `{before}`  ", f"uptime after: `{after}`"]
print("\n".join(out))
EOF
)
echo "$table"
/usr/bin/python3 - "$doc" "$table" <<'EOF'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = re.sub(r"(<!-- variants:begin -->\n).*?(<!-- variants:end -->)", lambda m: m.group(1) + table + "\n" + m.group(2),
              text, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
EOF
say "written to $doc"
