#!/usr/bin/env bash
# Ours beside the PyTorch reference, on the same machine in the same run.
#   [REFERENCE=FILE] [MULTI30K=DIR] scripts/bench-vs-reference.sh [--quick] [--decode-only]
#       [--decode-models OURS_DIR REF_DIR] [--decode-minutes M] [--out FILE.json]
# REFERENCE is the PyTorch implementation of the same model (not part of this repository; docs/performance.md),
# MULTI30K the Multi30k folder (default data/multi30k, filled by scripts/get-multi30k.sh); see scripts/bench-lib.sh.
# Without either the script stops at once with a line saying what to set.
# On Multi30k fr→en, both at the reference's settings: 8,000 BPE
# subwords per side, the same model, 64 sentences a training batch, 2 threads.
#  1. Training speed (skipped with --decode-only): ours and the reference alternate (3 rounds; 2 with --quick), each
#     measuring 120 batches (60 with --quick) after warm-up: target tokens/s and sentence pairs/s as the median of
#     20-batch windows, peak RSS of the whole process.
#  2. Decoding models. Users decode with trained models, whose outputs are shorter and surer than a barely trained
#     model's, so by default both are trained from scratch for the same wall time, M minutes each (default 20, about
#     their dev plateau on 2 cores), each keeping its checkpoint of best dev BLEU. --decode-models takes two models
#     already trained (ours, then the reference's) instead; --quick trains both for the same number of steps (one
#     epoch of the reference), short models that its JSON says are short. Each model's dev BLEU (greedy, val) is a row.
#  3. Decoding test_2016_flickr (1,000 sentences): greedy at batch 64 and beam 5 at batch 32 (length penalty 1.0),
#     ours and the reference alternating twice: sentences/s and output subwords/s of reading, subword encoding,
#     search, detokenizing (model loading excluded, for both), peak RSS, and BLEU of each output (seq2seq bleu).
#     Ours also decodes with a vocabulary shortlist (seq2seq shortlist, built from the training corpus; its rows
#     compare speed with the reference's exact decoding and BLEU with ours exact), and both at large batches (the
#     fastest settings a user could pick for a file: ours greedy at 256 sentences a batch, beam 5 at 128, with the
#     shortlist too; the reference at 256 and 128).
# Prints one table with the ratio ours/reference in every row and writes it as JSON (default bench-results.json).
# --quick takes about 20 minutes on 2 cores, the default about 85, --quick --decode-only with --decode-models about 10.
# Needs Debian's python3-torch, python3-sentencepiece and libopenblas0-pthread (/usr/bin/python3) for the reference.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/bench-lib.sh"
data="$(multi30k_dir "$root")"
reference="$(reference_file "$root")"
python=/usr/bin/python3
out="bench-results.json" quick=0 decode_only=0 ours_model="" ref_model="" decode_minutes=20
usage="usage: $0 [--quick] [--decode-only] [--decode-models OURS_DIR REF_DIR] [--decode-minutes M] [--out FILE.json]"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --decode-only) decode_only=1; shift ;;
    --decode-models) [ $# -ge 3 ] || { echo "$usage" >&2; exit 2; }; ours_model="$(cd "$2" && pwd)"; ref_model="$(cd "$3" && pwd)"; shift 3 ;;
    --decode-minutes) decode_minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [ -n "$ours_model" ]; then
  [ -f "$ours_model/best.ckpt" ] || { echo "$0: $ours_model: no best.ckpt (not a model directory of ours?)" >&2; exit 1; }
  [ -d "$ref_model" ] || { echo "$0: $ref_model: no such directory" >&2; exit 1; }
fi
require_multi30k "$data"
require_reference "$reference"
require_reference_python "$python"

if [ "$quick" = 1 ]; then batches=60 rounds=2 epochs=1; else batches=120 rounds=3 epochs=3; fi
threads=2 warmup=20 window=20
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
uptime_before=$(uptime)
echo "bench-vs-reference: $( [ "$quick" = 1 ] && echo quick || echo full ) run; $uptime_before" >&2
"$root/seq2seq" --help > /dev/null   # build once, outside every timing

# Our config for a run: the Multi30k fr→en config with paths, limits and threads replaced.
config() {  # model_dir dev max_steps validation_freq logging_freq → stdout
  sed -e "s|^model_dir: .*|model_dir: \"$1\"|" -e "s|^threads: .*|threads: $threads|" \
      -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$2\"|" \
      -e "s|^  test: .*|  test: \"$data/test_2016_flickr\"|" \
      -e "s|^  max_steps: .*|  max_steps: $3|" -e "s|^  epochs: .*|  epochs: 0|" \
      -e "s|^  validation_freq: .*|  validation_freq: $4|" -e "s|^  logging_freq: .*|  logging_freq: $5|" \
      -e "s|^  eval_metric: .*|  eval_metric: \"loss\"|" "$root/configs/multi30k_fr_en.yaml"
}

# 1. Training speed. Validation is out of the way (a 64-pair dev set, validated once at the very end).
head -n 64 "$data/val.fr" > "$work/dev.fr"
head -n 64 "$data/val.en" > "$work/dev.en"
config "$work/ours-speed" "$work/dev" $((warmup + batches)) 100000 "$window" > "$work/speed.yaml"
[ "$decode_only" = 1 ] && rounds=0
for r in $(seq 1 "$rounds"); do
  say "training speed, round $r/$rounds: ours"
  rm -rf "$work/ours-speed"
  /usr/bin/time -f "%M" -o "$work/ours-speed.rss.$r" "$root/seq2seq" train "$work/speed.yaml" > "$work/ours-speed.out.$r" 2>&1 \
    || { cat "$work/ours-speed.out.$r" >&2; exit 1; }
  cp "$work/ours-speed/train.log" "$work/ours-speed.log.$r"
  say "training speed, round $r/$rounds: reference"
  "$python" "$reference" bench train --data "$data" --src fr --trg en --work "$work/ref-speed" --threads "$threads" \
    --warmup 10 --batches "$batches" --window "$window" > "$work/ref-speed.json.$r" 2> "$work/ref-speed.err.$r" \
    || { cat "$work/ref-speed.err.$r" >&2; exit 1; }
done

# 2. Decoding models.
steps=0
if [ -n "$ours_model" ]; then
  models="given: $ours_model and $ref_model"
elif [ "$quick" = 1 ]; then
  say "training the reference for $epochs epoch(s)"
  "$python" "$reference" train --data "$data" --src fr --trg en --out "$work/ref-model" --epochs "$epochs" --select loss \
    --threads "$threads" > "$work/ref-model.out" 2>&1 || { cat "$work/ref-model.out" >&2; exit 1; }
  steps=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['steps'])" "$work/ref-model/train_summary.json")
  say "training ours for the same $steps steps"
  config "$work/ours-model" "$data/val" "$steps" $(((steps + epochs - 1) / epochs)) 100 > "$work/model.yaml"
  "$root/seq2seq" train "$work/model.yaml" > "$work/ours-model.out" 2>&1 || { cat "$work/ours-model.out" >&2; exit 1; }
  ours_model="$work/ours-model" ref_model="$work/ref-model"
  models="short (--quick): both trained $steps steps, far from their dev plateau; outputs of trained models are shorter"
else
  say "training ours for $decode_minutes minutes"
  config "$work/ours-model" "$data/val" 0 454 100 | sed -e "s|^  max_minutes: .*|  max_minutes: $decode_minutes|" \
    -e "s|^  eval_metric: .*|  eval_metric: \"bleu\"|" > "$work/model.yaml"
  "$root/seq2seq" train "$work/model.yaml" > "$work/ours-model.out" 2>&1 || { cat "$work/ours-model.out" >&2; exit 1; }
  say "training the reference for $decode_minutes minutes"
  "$python" "$reference" train --data "$data" --src fr --trg en --out "$work/ref-model" --minutes "$decode_minutes" \
    --threads "$threads" > "$work/ref-model.out" 2>&1 || { cat "$work/ref-model.out" >&2; exit 1; }
  ours_model="$work/ours-model" ref_model="$work/ref-model"
  models="trained $decode_minutes minutes each on this machine"
fi
say "dev BLEU of the decoding models (greedy, val)"
"$root/seq2seq" translate --model "$ours_model" --input "$data/val.fr" --output "$work/ours.dev" --beam 1 --batch-size 64 \
  --threads "$threads" 2> /dev/null
"$python" "$reference" translate --model "$ref_model" --input "$data/val.fr" --output "$work/ref.dev" --beam 1 \
  --batch-size 64 --threads "$threads" 2> /dev/null
say "building the shortlist"
"$root/seq2seq" shortlist --model "$ours_model" --corpus "$data/train" --output "$work/shortlist.txt" 2> "$work/shortlist.out" \
  || { cat "$work/shortlist.out" >&2; exit 1; }

# 3. Decoding speed and BLEU. A run: name, tool, beam, batch, extra flags of ours.
input="$data/test_2016_flickr.fr"
decode() {
  local name="$1" side="$2" beam="$3" batch="$4" r="$5"; shift 5
  if [ "$side" = ours ]; then
    "$root/seq2seq" translate --model "$ours_model" --input "$input" --output "$work/ours.$name" --beam "$beam" \
      --batch-size "$batch" --alpha 1.0 --threads "$threads" --stats "$@" 2> "$work/ours-$name.stats.$r"
  else
    "$python" "$reference" translate --model "$ref_model" --input "$input" --output "$work/ref.$name" --beam "$beam" \
      --batch-size "$batch" --alpha 1.0 --threads "$threads" 2> "$work/ref-$name.stats.$r"
  fi
}
for r in 1 2; do
  for setting in "greedy 1 64" "beam5 5 32"; do
    read -r name beam batch <<< "$setting"
    say "decoding, round $r/2: $name (batch $batch)"
    decode "$name" ours "$beam" "$batch" "$r"
    decode "$name" ref "$beam" "$batch" "$r"
    decode "${name}_shortlist" ours "$beam" "$batch" "$r" --shortlist "$work/shortlist.txt"
  done
done
say "decoding at large batches"
decode greedy_large ours 1 256 1
decode greedy_large_shortlist ours 1 256 1 --shortlist "$work/shortlist.txt"
decode greedy_large ref 1 256 1
decode beam5_large ours 5 128 1
decode beam5_large_shortlist ours 5 128 1 --shortlist "$work/shortlist.txt"
decode beam5_large ref 5 128 1
for side in ours ref; do
  "$root/seq2seq" bleu --hyp "$work/$side.dev" --ref "$data/val.en" --json > "$work/$side.dev.bleu.json"
  for name in greedy beam5 greedy_large beam5_large; do
    "$root/seq2seq" bleu --hyp "$work/$side.$name" --ref "$data/test_2016_flickr.en" --json > "$work/$side.$name.bleu.json"
  done
done
for name in greedy_shortlist beam5_shortlist greedy_large_shortlist beam5_large_shortlist; do
  "$root/seq2seq" bleu --hyp "$work/ours.$name" --ref "$data/test_2016_flickr.en" --json > "$work/ours.$name.bleu.json"
done
uptime_after=$(uptime)

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+changes"; fi
"$python" - "$work" "$rounds" "$threads" "$commit" "$uptime_before" "$uptime_after" "$out" "$models" "$warmup" <<'PY'
import glob, json, re, statistics, sys
work, rounds, threads, commit, up_before, up_after, out, models, warmup = sys.argv[1:]
rounds, warmup = int(rounds), int(warmup)

def ours_training():
    tok, sent, rss = [], [], []
    for r in range(1, rounds + 1):
        for line in open(f"{work}/ours-speed.log.{r}"):
            m = re.search(r"step (\d+) .* ([0-9.]+) tok/s ([0-9.]+) sent/s", line)
            if m and int(m.group(1)) > warmup:
                tok.append(float(m.group(2))); sent.append(float(m.group(3)))
        rss.append(int(open(f"{work}/ours-speed.rss.{r}").read().split()[-1]) / 1024)
    return statistics.median(tok), statistics.median(sent), max(rss)

def reference_training():
    tok, sent, rss = [], [], []
    for r in range(1, rounds + 1):
        d = json.load(open(f"{work}/ref-speed.json.{r}"))
        for w in d["windows"]:
            tok.append(w["trg_tok_per_s"]); sent.append(w["batches"] * d["settings"]["batch_sentences"] / w["seconds"])
        rss.append(d["peak_rss_mib"])
    return statistics.median(tok), statistics.median(sent), max(rss)

def ours_decoding(name):
    runs = []
    for f in sorted(glob.glob(f"{work}/ours-{name}.stats.*")):
        m = re.search(r"in ([0-9.]+) s: ([0-9.]+) sentences/s, ([0-9]+) subwords/s.*peak RSS ([0-9]+) MiB", open(f).read())
        runs.append((float(m.group(2)), float(m.group(3)), float(m.group(4))))
    return runs

def reference_decoding(name):
    runs = []
    for f in sorted(glob.glob(f"{work}/ref-{name}.stats.*")):
        d = json.loads(open(f).read().strip().splitlines()[-1])
        runs.append((d["sent_per_s"], d["out_subwords_per_s"], d["peak_rss_mib"]))
    return runs

def bleu(side, name):
    return round(json.load(open(f"{work}/{side}.{name}.bleu.json"))["score"], 2)

rows = []
def row(name, ours, ref, against=None):
    r = {"name": name, "ours": round(ours, 2), "reference": round(ref, 2), "ratio": round(ours / ref, 3) if ref else None}
    if against: r["reference_is"] = against
    rows.append(r)

if rounds:
    o_tok, o_sent, o_rss = ours_training()
    r_tok, r_sent, r_rss = reference_training()
    row("train_trg_tok_per_s", o_tok, r_tok)
    row("train_sent_per_s", o_sent, r_sent)
    row("train_peak_rss_mib", o_rss, r_rss)
row("decode_model_dev_bleu", bleu("ours", "dev"), bleu("ref", "dev"))
decode_rss = {"ours": 0.0, "ref": 0.0}
med = lambda runs, i: statistics.median(x[i] for x in runs)
for name in ("greedy", "beam5"):
    o, r, s = ours_decoding(name), reference_decoding(name), ours_decoding(f"{name}_shortlist")
    row(f"{name}_sent_per_s", med(o, 0), med(r, 0))
    row(f"{name}_out_tok_per_s", med(o, 1), med(r, 1))
    row(f"{name}_bleu", bleu("ours", name), bleu("ref", name))
    row(f"{name}_shortlist_sent_per_s", med(s, 0), med(r, 0), f"the reference's exact {name}")
    row(f"{name}_shortlist_bleu", bleu("ours", f"{name}_shortlist"), bleu("ours", name), f"ours exact {name}")
    decode_rss["ours"] = max([decode_rss["ours"]] + [x[2] for x in o + s])
    decode_rss["ref"] = max([decode_rss["ref"]] + [x[2] for x in r])
row("decode_peak_rss_mib", decode_rss["ours"], decode_rss["ref"])
for name, reference_settings in (("greedy", "greedy"), ("beam5", "beam5")):
    # The fastest a user gets for a file: each side's best of its default and large batches.
    o_best = max(med(ours_decoding(n), 0) for n in (name, f"{name}_large"))
    r_best = max(med(reference_decoding(n), 0) for n in (name, f"{name}_large"))
    s_best = max(med(ours_decoding(n), 0) for n in (f"{name}_shortlist", f"{name}_large_shortlist"))
    row(f"{name}_best_sent_per_s", o_best, r_best, "the reference's best of batch 64/32 and 256/128")
    row(f"{name}_best_shortlist_sent_per_s", s_best, r_best, "the reference's best of batch 64/32 and 256/128")
    row(f"{name}_large_bleu", bleu("ours", f"{name}_large"), bleu("ref", f"{name}_large"))

result = {"commit": commit, "threads": int(threads), "uptime": up_before.strip(), "uptime_after": up_after.strip(),
          "decode_models": models, "rows": rows}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
width = max(len(r["name"]) for r in rows)
print(f"{'':{width}} | {'ours':>10} | {'reference':>10} | ratio")
for r in rows:
    print(f"{r['name']:{width}} | {r['ours']:>10.2f} | {r['reference']:>10.2f} | {r['ratio']:.2f}")
print(f"commit {commit}, {threads} threads; decoding models: {models}; results in {out}")
print(f"uptime before: {up_before.strip()}")
print(f"uptime after:  {up_after.strip()}")
PY
