#!/usr/bin/env bash
# Quality per CPU hour: ours at the settings a user would pick for speed beside the PyTorch reference at its
# defaults, each training Multi30k fr→en for the same wall time on the same machine, one after the other.
#   [REFERENCE=FILE] [MULTI30K=DIR] scripts/bench-equal-time.sh [--minutes M] [--doc FILE]
# REFERENCE is the PyTorch implementation of the same model (not part of this repository; docs/performance.md),
# MULTI30K the Multi30k folder (default data/multi30k, filled by scripts/get-multi30k.sh); see scripts/bench-lib.sh.
# Without either the script stops at once with a line saying what to set.
# Ours: configs/multi30k_fr_en.yaml with token-budget batches (training.batch_type tokens, batch_size 1200) and
# max_minutes M (default 30, validation included); decoding test_2016_flickr with beam 5 at 128 sentences a batch.
# Reference: REFERENCE train --minutes M (64 sentences a batch; its budget includes validation too), translate
# with beam 5 at its default batch 32. Both use 2 threads. Both outputs are scored with seq2seq bleu.
# Writes the result table between the "equal-time" markers of docs/performance.md (or --doc FILE) and prints it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/bench-lib.sh"
data="$(multi30k_dir "$root")"
reference="$(reference_file "$root")"
python=/usr/bin/python3
minutes=30 doc="$root/docs/performance.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --doc) doc="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes M] [--doc FILE]" >&2; exit 2 ;;
  esac
done
require_multi30k "$data"
require_reference "$reference"
require_reference_python "$python"
require_marker "$doc" equal-time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/seq2seq" --help > /dev/null   # build outside the timing
uptime_before=$(uptime)

sed -e "s|^model_dir: .*|model_dir: \"$work/ours\"|" -e "s|^threads: .*|threads: 2|" \
    -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$data/val\"|" \
    -e "s|^  test: .*|  test: \"$data/test_2016_flickr\"|" \
    -e "s|^  batch_size: 64 .*|  batch_size: 1200|" -e "s|^  batch_type: .*|  batch_type: \"tokens\"|" \
    -e "s|^  epochs: .*|  epochs: 0|" -e "s|^  max_minutes: .*|  max_minutes: $minutes|" \
    -e "s|^  validation_freq: .*|  validation_freq: 300|" \
    -e "s|^  batch_size: 32 .*|  batch_size: 128|" "$root/configs/multi30k_fr_en.yaml" > "$work/ours.yaml"
grep -q "batch_type: \"tokens\"" "$work/ours.yaml" && grep -q "batch_size: 1200" "$work/ours.yaml" \
  || { echo "$0: could not set token batches in the config" >&2; exit 1; }

say "ours: training for $minutes minutes"
start=$(date +%s)
"$root/seq2seq" train "$work/ours.yaml" > "$work/ours.train" 2>&1 || { tail "$work/ours.train" >&2; exit 1; }
ours_wall=$(( $(date +%s) - start ))
say "ours: translating test_2016_flickr (beam 5)"
"$root/seq2seq" translate --model "$work/ours" --input "$data/test_2016_flickr.fr" --output "$work/ours.hyp" \
  --beam 5 --batch-size 128 --threads 2 --stats 2> "$work/ours.decode"

say "reference: training for $minutes minutes"
start=$(date +%s)
"$python" "$reference" train --data "$data" --src fr --trg en --out "$work/ref" --minutes "$minutes" --threads 2 \
  > "$work/ref.train" 2>&1 || { tail "$work/ref.train" >&2; exit 1; }
ref_wall=$(( $(date +%s) - start ))
say "reference: translating test_2016_flickr (beam 5)"
"$python" "$reference" translate --model "$work/ref" --input "$data/test_2016_flickr.fr" --output "$work/ref.hyp" \
  --beam 5 --batch-size 32 --threads 2 2> "$work/ref.decode"
uptime_after=$(uptime)

for side in ours ref; do
  "$root/seq2seq" bleu --hyp "$work/$side.hyp" --ref "$data/test_2016_flickr.en" --json > "$work/$side.bleu.json"
done
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$work" "$minutes" "$ours_wall" "$ref_wall" "$commit" "$uptime_before" "$uptime_after" "$doc" <<'PY'
import json, re, statistics, sys
work, minutes, ours_wall, ref_wall, commit, up_before, up_after, doc = sys.argv[1:]
log = open(f"{work}/ours/train.log").read()
tok = [float(x) for x in re.findall(r" ([0-9.]+) tok/s", log)]
steps = re.findall(r"stopped: .*?; (\d+) steps", log)
metrics = [l.split("\t") for l in open(f"{work}/ours/metrics.tsv").read().splitlines()[1:]]
ref = json.load(open(f"{work}/ref/train_summary.json"))
ref_tok = [float(x) for x in re.findall(r" (\d+) trg tok/s", open(f"{work}/ref.train").read())]
ours_decode = re.search(r"([0-9.]+) sentences/s", open(f"{work}/ours.decode").read()).group(1)
ref_decode = json.loads(open(f"{work}/ref.decode").read().strip().splitlines()[-1])["sent_per_s"]
bleu = {s: json.load(open(f"{work}/{s}.bleu.json")) for s in ("ours", "ref")}
rows = [
    ("batches", "1,200 padded tokens (token budget)", "64 sentences"),
    ("training wall time (validation included)", f"{int(ours_wall) // 60} min {int(ours_wall) % 60} s", f"{int(ref_wall) // 60} min {int(ref_wall) % 60} s"),
    ("optimizer steps", steps[0] if steps else "?", str(ref["steps"])),
    ("validations", str(len(metrics)), str(len(ref["history"]))),
    ("training target tokens/s (median of logged windows)", f"{statistics.median(tok):.0f}", f"{statistics.median(ref_tok):.0f}"),
    ("best dev BLEU (greedy)", f"{max(float(m[5]) for m in metrics):.2f}" if metrics else "?",
     "(not computed: no sacrebleu)" if ref["best"] and ref["best"].get("val_bleu_greedy") is None else f"{ref['best']['val_bleu_greedy']:.2f}"),
    ("test_2016_flickr BLEU, beam 5", f"{bleu['ours']['score']:.2f}", f"{bleu['ref']['score']:.2f}"),
    ("decoding beam 5, sentences/s", f"{float(ours_decode):.1f} (batch 128)", f"{ref_decode:.1f} (batch 32)"),
]
table = ["| | ours | reference |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
block = "\n".join([f"Produced by `scripts/bench-equal-time.sh --minutes {minutes}` at commit {commit}, 2 threads, one after the other.", "",
                   *table, "", f"BLEU signature: `{bleu['ours']['signature']}`", "",
                   f"uptime before: `{up_before.strip()}`  ", f"uptime after: `{up_after.strip()}`"])
text = open(doc).read()
begin, end = "<!-- equal-time:begin -->", "<!-- equal-time:end -->"
i, j = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:i] + "\n" + block + "\n" + text[j:])
print(block)
PY
