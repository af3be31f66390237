#!/usr/bin/env bash
# Quality per CPU hour: ours beside the PyTorch reference, each training Multi30k for the same wall time on the same
# machine, one after the other; test_2016_flickr translated with beam 5 and scored with BLEU and chrF.
#   [REFERENCE=FILE] [MULTI30K=DIR] scripts/bench-equal-time.sh [--minutes M] [--src fr --trg en] [--config FILE]
#                                                             [--table] [--append] [--work DIR] [--doc FILE]
# REFERENCE is the PyTorch implementation of the same model (not part of this repository; docs/performance.md),
# MULTI30K the Multi30k folder (default data/multi30k, filled by scripts/get-multi30k.sh); see scripts/bench-lib.sh.
# Without either the script stops at once with a line saying what to set.
# Ours: --config (default configs/multi30k_SRC_TRG_best.yaml, the tuned recipe) with max_minutes M (default 30,
# validation included) and the data paths set; best.ckpt translates with beam 5 and the config's other testing keys.
# Reference: REFERENCE train --minutes M (64 sentences a batch; its budget includes validation too), translate with
# beam 5 at its default batch 32. Both use 2 threads.
# --table also trains, for M minutes each: ours with the reference's recipe (configs/multi30k_SRC_TRG.yaml), the
# recipe without its weight average (ema_decay 0), and the recipe with seed 2, whose model joins the first recipe
# model in an ensemble (twice the training time). About M x 5 minutes in all.
# Writes its table of ours against the reference between the "equal-time-SRC-TRG" markers of docs/performance.md
# (or --doc FILE), replacing what was there, or below it with --append (to report a second run); --table also
# writes the table of all systems between the "quality-SRC-TRG" markers. Prints what it writes.
# --work DIR keeps the models, translations and logs in DIR (else a temporary folder, removed at the end); a run
# started again with the same DIR and options reuses every system already translated there and trains the rest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/bench-lib.sh"
data="$(multi30k_dir "$root")"
reference="$(reference_file "$root")"
python=/usr/bin/python3
minutes=30 doc="$root/docs/performance.md" src=fr trg=en config="" table=0 append=0 work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --src) src="$2"; shift 2 ;;
    --trg) trg="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --table) table=1; shift ;;
    --append) append=1; shift ;;
    --work) work="$2"; shift 2 ;;
    --doc) doc="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes M] [--src fr --trg en] [--config FILE] [--table] [--append] [--work DIR] [--doc FILE]" >&2
       exit 2 ;;
  esac
done
config="${config:-$root/configs/multi30k_${src}_${trg}_best.yaml}"
plain="$root/configs/multi30k_${src}_${trg}.yaml"
marker="equal-time-$src-$trg" table_marker="quality-$src-$trg"
[ -f "$config" ] || { echo "$0: $config: no such config (--config FILE)" >&2; exit 1; }
[ -f "$plain" ] || { echo "$0: $plain: no config for $src→$trg" >&2; exit 1; }
require_multi30k "$data"
require_reference "$reference"
require_reference_python "$python"
require_marker "$doc" "$marker"
[ "$table" = 0 ] || require_marker "$doc" "$table_marker"
if [ -n "$work" ]; then
  mkdir -p "$work"; work="$(cd "$work" && pwd)"
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
"$root/seq2seq" --help > /dev/null   # build outside the timing
[ -f "$work/uptime.before" ] || uptime > "$work/uptime.before"
test_src="$data/test_2016_flickr.$src" test_ref="$data/test_2016_flickr.$trg"

# done_before NAME: NAME was trained and translated by an earlier run in the same --work folder (a translation is
# renamed to NAME.hyp only once it is complete, after the training's NAME.wall and the decoding's NAME.decode).
done_before() {
  [ -f "$work/$1.hyp" ] || return 1
  say "$1: reusing the model and translation in $work"
}

# ours NAME CONFIG [sed expressions...]: trains CONFIG for M minutes into $work/NAME, translates the test set.
ours() {
  local name="$1" base="$2"; shift 2
  done_before "$name" && return 0
  rm -rf "${work:?}/$name"
  sed -e "s|^model_dir: .*|model_dir: \"$work/$name\"|" -e "s|^threads: .*|threads: 2|" \
      -e "s|^  train: .*|  train: \"$data/train\"|" -e "s|^  dev: .*|  dev: \"$data/val\"|" \
      -e "s|^  test: .*|  test: \"$data/test_2016_flickr\"|" -e "s|^  src: .*|  src: \"$src\"|" -e "s|^  trg: .*|  trg: \"$trg\"|" \
      -e "s|^  epochs: .*|  epochs: 0|" -e "s|^  max_steps: .*|  max_steps: 0|" -e "s|^  max_minutes: .*|  max_minutes: $minutes|" \
      "$@" "$base" > "$work/$name.yaml"
  grep -q "^  max_minutes: $minutes\$" "$work/$name.yaml" || { echo "$0: could not set max_minutes in $base" >&2; exit 1; }
  say "ours ($name): training for $minutes minutes"
  local start; start=$(date +%s)
  "$root/seq2seq" train "$work/$name.yaml" > "$work/$name.train" 2>&1 || { tail "$work/$name.train" >&2; exit 1; }
  echo $(( $(date +%s) - start )) > "$work/$name.wall"
  say "ours ($name): translating test_2016_flickr (beam 5)"
  "$root/seq2seq" translate --model "$work/$name" --input "$test_src" --output "$work/$name.part" --beam 5 --threads 2 \
    --stats 2> "$work/$name.decode"
  mv "$work/$name.part" "$work/$name.hyp"
}

# train_reference: trains the reference for M minutes into $work/ref, translates the test set.
train_reference() {
  done_before ref && return 0
  rm -rf "${work:?}/ref"
  say "reference: training for $minutes minutes"
  local start; start=$(date +%s)
  "$python" "$reference" train --data "$data" --src "$src" --trg "$trg" --out "$work/ref" --minutes "$minutes" --threads 2 \
    > "$work/ref.train" 2>&1 || { tail "$work/ref.train" >&2; exit 1; }
  echo $(( $(date +%s) - start )) > "$work/ref.wall"
  say "reference: translating test_2016_flickr (beam 5)"
  "$python" "$reference" translate --model "$work/ref" --input "$test_src" --output "$work/ref.part" \
    --beam 5 --batch-size 32 --threads 2 2> "$work/ref.decode"
  mv "$work/ref.part" "$work/ref.hyp"
}

ours recipe "$config"
train_reference
systems="recipe ref"
if [ "$table" = 1 ]; then
  ours plain "$plain"
  ours noavg "$config" -e "s|^  ema_decay: .*|  ema_decay: 0.0|"
  ours seed2 "$config" -e "s|^seed: .*|seed: 2|"
  if ! done_before ensemble; then
    say "ensemble of the two recipe models: translating test_2016_flickr (beam 5)"
    "$root/seq2seq" translate --model "$work/recipe" --model "$work/seed2" --input "$test_src" \
      --output "$work/ensemble.part" --beam 5 --threads 2 --stats 2> "$work/ensemble.decode"
    mv "$work/ensemble.part" "$work/ensemble.hyp"
  fi
  systems="$systems plain noavg seed2 ensemble"
fi
uptime_before=$(cat "$work/uptime.before")
uptime_after=$(uptime)
for s in $systems; do
  "$root/seq2seq" bleu --hyp "$work/$s.hyp" --ref "$test_ref" --json > "$work/$s.bleu.json"
done

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$work" "$minutes" "$commit" "$uptime_before" "$uptime_after" "$doc" "$marker" "$table_marker" "$table" \
  "$append" "$src" "$trg" "$(basename "$config")" <<'PY'
import json, re, statistics, sys
work, minutes, commit, up_before, up_after, doc, marker, table_marker, table, append, src, trg, config = sys.argv[1:]
def wall(s):
    w = int(open(f"{work}/{s}.wall").read())
    return f"{w // 60} min {w % 60} s"
def score(s):
    b = json.load(open(f"{work}/{s}.bleu.json"))
    return b["score"], b["chrf"]["score"]
def ours_facts(s):
    log = open(f"{work}/{s}/train.log").read()
    tok = [float(x) for x in re.findall(r" ([0-9.]+) tok/s", log)]
    steps = re.findall(r"stopped: .*?; (\d+) steps", log)
    metrics = [l.split("\t") for l in open(f"{work}/{s}/metrics.tsv").read().splitlines()[1:]]
    decode = re.search(r"([0-9.]+) sentences/s", open(f"{work}/{s}.decode").read()).group(1)
    return dict(steps=steps[0] if steps else "?", validations=str(len(metrics)),
                tok=f"{statistics.median(tok):.0f}" if tok else "?",
                dev=f"{max(float(m[5]) for m in metrics):.2f}" if metrics else "?", decode=f"{float(decode):.1f}")
# write(NAME, BLOCK, ADD): BLOCK between the NAME markers of doc, replacing what was there or below it.
def write(name, block, add):
    text = open(doc).read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    i, j = text.index(begin) + len(begin), text.index(end)
    kept = text[i:j].rstrip("\n") + "\n\n" if add else "\n"
    open(doc, "w").write(text[:i] + kept + block + "\n" + text[j:])
    print(block + "\n")
ref = json.load(open(f"{work}/ref/train_summary.json"))
ref_tok = [float(x) for x in re.findall(r" (\d+) trg tok/s", open(f"{work}/ref.train").read())]
r = dict(steps=str(ref["steps"]), tok=f"{statistics.median(ref_tok):.0f}" if ref_tok else "?")
ref_decode = json.loads(open(f"{work}/ref.decode").read().strip().splitlines()[-1])["sent_per_s"]
o = ours_facts("recipe")
(ob, oc), (rb, rc) = score("recipe"), score("ref")
script = f"scripts/bench-equal-time.sh --minutes {minutes} --src {src} --trg {trg}" + (" --table" if table == "1" else "")
head = f"Produced by `{script}` at commit {commit} ({config}), 2 threads, one run after the other."
sig = json.load(open(f"{work}/recipe.bleu.json"))
tail = [f"BLEU signature: `{sig['signature']}`; chrF: `{sig['chrf']['signature']}`", "",
        f"uptime before: `{up_before.strip()}`  ", f"uptime after: `{up_after.strip()}`"]
rows = [
    ("training wall time (validation included)", wall("recipe"), wall("ref")),
    ("optimizer steps", o["steps"], r["steps"]),
    ("validations", o["validations"], str(len(ref["history"]))),
    ("training target tokens/s (median of logged windows)", o["tok"], r["tok"]),
    ("best dev BLEU (greedy)", o["dev"], "(not computed: no sacrebleu)"
     if not ref.get("best") or ref["best"].get("val_bleu_greedy") is None else f"{ref['best']['val_bleu_greedy']:.2f}"),
    ("test_2016_flickr BLEU, beam 5", f"{ob:.2f}", f"{rb:.2f}"),
    ("test_2016_flickr chrF, beam 5", f"{oc:.2f}", f"{rc:.2f}"),
    ("decoding beam 5, sentences/s", o["decode"], f"{ref_decode:.1f} (batch 32)"),
]
lines = ["| | ours | reference |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
lines += ["", f"BLEU difference: {ob - rb:+.2f}; chrF difference: {oc - rc:+.2f}."]
write(marker, "\n".join([head, "", *lines, "", *tail]), append == "1")
if table == "1":
    entries = [("reference, its recipe", "ref", wall("ref")),
               ("ours, the reference's recipe", "plain", wall("plain")),
               ("ours, the recipe without the weight average", "noavg", wall("noavg")),
               ("ours, the recipe", "recipe", wall("recipe")),
               ("ours, the recipe with seed 2", "seed2", wall("seed2")),
               ("ours, ensemble of the two recipe models", "ensemble", f"2 × {minutes} min")]
    # The systems train one after the other, and the machine's speed may move between them: each row says how
    # many steps it made and how fast.
    facts = {"recipe": o, "ref": r, "ensemble": dict(steps="—", tok="—")}
    lines = ["| system | training time | optimizer steps | training target tokens/s | test BLEU (beam 5) | test chrF |",
             "|---|---|---|---|---|---|"]
    for label, s, t in entries:
        b, c = score(s)
        f = facts[s] if s in facts else ours_facts(s)
        lines.append(f"| {label} | {t} | {f['steps']} | {f['tok']} | {b:.2f} | {c:.2f} |")
    write(table_marker, "\n".join([head, "", *lines, "", *tail]), False)
PY
