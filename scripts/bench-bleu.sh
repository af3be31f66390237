#!/usr/bin/env bash
# Times `seq2seq bleu` (release build) against sacrebleu on a 1,000,000-line hypothesis/reference pair made by
# repeating Multi30k's val.en with small random perturbations.
# Usage: [MULTI30K=DIR] scripts/bench-bleu.sh [SACREBLEU_CHECKOUT]   (sacrebleu is skipped when no checkout is given)
# MULTI30K is the Multi30k folder (default data/multi30k, filled by scripts/get-multi30k.sh; see scripts/bench-lib.sh);
# only its val.en is read. Without it the script stops at once with a line saying what to set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/bench-lib.sh"
data="$(multi30k_dir "$root")/val.en"
[ -f "$data" ] || { echo "$0: $data: missing (run scripts/get-multi30k.sh, or set MULTI30K=DIR to a folder holding the Multi30k files)" >&2; exit 1; }
work="${TMPDIR:-/tmp}/bench-bleu"
mkdir -p "$work"
if [[ ! -s "$work/ref.txt" ]]; then
  python3 - "$data" "$work" <<'PY'
import random, sys
src, work = sys.argv[1], sys.argv[2]
lines = open(src, encoding='utf-8').read().splitlines()
rng = random.Random(1)
with open(f'{work}/ref.txt', 'w', encoding='utf-8') as ref, open(f'{work}/hyp.txt', 'w', encoding='utf-8') as hyp:
    for i in range(1_000_000):
        line = lines[i % len(lines)]
        ref.write(line + '\n')
        words = line.split()
        words = [w for w in words if rng.random() > 0.1]
        if len(words) > 3 and rng.random() < 0.3:
            j = rng.randrange(len(words) - 1); words[j], words[j + 1] = words[j + 1], words[j]
        if words and rng.random() < 0.2:
            words[rng.randrange(len(words))] = rng.choice(lines).split()[0]
        hyp.write(' '.join(words) + '\n')
PY
fi
dotnet build "$root/src/Seq2Seq.Cli" -c Release -v q -nologo >/dev/null
cli="$root/src/Seq2Seq.Cli/bin/Release/net10.0/seq2seq"
for m in bleu chrf; do
  echo "== seq2seq bleu -m $m"; /usr/bin/time -f "%e s wall, %M KB max RSS" "$cli" bleu --hyp "$work/hyp.txt" --ref "$work/ref.txt" -m $m
done
if [[ $# -ge 1 ]]; then
  for m in bleu chrf; do
    echo "== sacrebleu -m $m"
    PYTHONPATH="$1" /usr/bin/time -f "%e s wall, %M KB max RSS" /usr/bin/python3 -m sacrebleu "$work/ref.txt" -i "$work/hyp.txt" -m $m -f text
  done
fi
