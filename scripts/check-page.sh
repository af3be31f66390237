#!/usr/bin/env bash
# Checks the page of 'seq2seq serve' in a real browser: starts the server on a loopback port, opens / in headless
# Chromium with a sentence in the link (the page fills the form and translates it), checks that the translation and
# its attention matrix are on the page, and saves a screenshot.
#
#   scripts/check-page.sh [--model DIR] [--sentence TEXT] [--out FILE.png]
#
# Needs Chromium (Debian/Ubuntu: apt-get install chromium) and a trained model (default models/sample, the
# README's quickstart). Exit code 0 when the page showed a translation.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$root/models/sample" sentence="Marie n'a pas mangé la pomme rouge." out="page.png" port=18089
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --sentence) sentence="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "check-page: unknown argument $1" >&2; exit 2 ;;
  esac
done
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "check-page: Chromium not found (apt-get install chromium)" >&2; exit 1; }
[ -d "$model" ] || { echo "check-page: $model: no such model directory (train the quickstart first)" >&2; exit 1; }

log="$(mktemp)" profile="$(mktemp -d)"
"$root/seq2seq" serve --model "$model" --host 127.0.0.1 --port "$port" 2>"$log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$log" "$profile"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "check-page: the server did not become healthy" >&2; cat "$log" >&2; exit 1; }

url="http://127.0.0.1:$port/?text=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$sentence")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" --window-size=760,660
       --virtual-time-budget=15000 --run-all-compositor-stages-before-draw)
dom="$("$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null)"
expected="$(curl -sf -X POST "http://127.0.0.1:$port/v1/translate" -H 'Content-Type: application/json' \
  -d "$(python3 -c 'import json, sys; print(json.dumps({"text": [sys.argv[1]]}))' "$sentence")" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["translations"][0]["text"])')"
escaped="$(python3 -c 'import html, sys; print(html.escape(sys.argv[1], quote=False))' "$expected")"
grep -qF "$escaped" <<<"$dom" || { echo "check-page: the page does not show the translation '$expected'" >&2; exit 1; }
cells=$(grep -o 'class="cell"' <<<"$dom" | wc -l)
[ "$cells" -gt 0 ] || { echo "check-page: the page shows no attention matrix" >&2; exit 1; }
"$browser" "${flags[@]}" --screenshot="$(realpath -m "$out")" "$url" 2>/dev/null >/dev/null
[ -s "$out" ] || { echo "check-page: no screenshot written" >&2; exit 1; }
echo "check-page: the page translated '$sentence' as '$expected' with a $cells-cell attention matrix; screenshot: $out"
