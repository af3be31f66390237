#!/usr/bin/env bash
# Load test of 'seq2seq serve' on this machine, over loopback only: sentences/s and p50/p95 latency with 1, 8 and
# 32 concurrent clients, each sending one sentence per request (a new request as soon as its answer arrives), beside
# 'seq2seq translate --input' on the same lines with the same model and settings. Prints a Markdown table.
#
#   scripts/serve-load.sh [--model DIR] [--input FILE] [--clients "1 8 32"] [--max-seconds S] [--port P] [-- SERVE FLAGS]
#
# Bounded: each client level sends every line of the input once (default: the sample's dev and test sets, 600
# lines), and stops early after --max-seconds (default 120). Needs python3 and a trained model (default
# models/sample, the README's quickstart). Run it on an otherwise idle machine: the clients share its cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$root/models/sample" input="" clients="1 8 32" max_seconds=120 port=18090 serve_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --input) input="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --max-seconds) max_seconds="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --) shift; serve_flags=("$@"); break ;;
    *) echo "serve-load: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$model" ] || { echo "serve-load: $model: no such model directory (train the quickstart first)" >&2; exit 1; }
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if [ -z "$input" ]; then
  input="$work/lines.txt"
  cat "$root/data/sample/dev.fr" "$root/data/sample/test.fr" > "$input"
fi
lines=$(wc -l < "$input")

# translate: the same lines in one run (its batches, its threads), speed after the model is loaded.
"$root/seq2seq" translate --model "$model" --input "$input" --output "$work/translate.out" --stats 2> "$work/translate.err"
translate_rate=$(sed -n 's/.* \([0-9.]*\) sentences\/s.*/\1/p' "$work/translate.err")
[ -n "$translate_rate" ] || { cat "$work/translate.err" >&2; exit 1; }

"$root/seq2seq" serve --model "$model" --host 127.0.0.1 --port "$port" "${serve_flags[@]}" 2> "$work/serve.err" &
server=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.2
done

python3 - "$port" "$input" "$max_seconds" "$translate_rate" "$lines" "$work/translate.out" $clients <<'PY'
import http.client, json, sys, threading, time

port, path, max_seconds, translate_rate, line_count, expected_path = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
levels = [int(c) for c in sys.argv[7:]]
lines = open(path, encoding="utf-8").read().split("\n")[:line_count]
expected = open(expected_path, encoding="utf-8").read().split("\n")[:line_count]

def run(clients):
    next_line, lock, latencies, mismatches = [0], threading.Lock(), [], [0]
    deadline = time.monotonic() + max_seconds
    def client():
        connection = http.client.HTTPConnection("127.0.0.1", int(port))
        while time.monotonic() < deadline:
            with lock:
                i = next_line[0]
                next_line[0] += 1
            if i >= len(lines):
                break
            body = json.dumps({"text": [lines[i]]})
            start = time.monotonic()
            connection.request("POST", "/v1/translate", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = json.loads(response.read())
            elapsed = time.monotonic() - start
            if response.status != 200:
                raise SystemExit(f"serve-load: HTTP {response.status}: {answer}")
            with lock:
                latencies.append(elapsed)
                if answer["translations"][0]["text"] != expected[i]:
                    mismatches[0] += 1
        connection.close()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.monotonic() - start
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    return len(latencies), len(latencies) / wall, pick(0.50), pick(0.95), mismatches[0]

# Warm-up: a few requests load the code paths and the allocator's arenas before anything is timed.
for _ in range(3):
    c = http.client.HTTPConnection("127.0.0.1", int(port)); c.request("POST", "/v1/translate", json.dumps({"text": lines[:8]})); c.getresponse().read(); c.close()

print(f"| | sentences | sentences/s | p50 ms | p95 ms | of translate's sentences/s |")
print(f"|---|---:|---:|---:|---:|---:|")
print(f"| `translate --input` | {line_count} | {translate_rate:.1f} | | | 100% |")
for clients in levels:
    n, rate, p50, p95, mismatches = run(clients)
    note = "" if mismatches == 0 else f" ({mismatches} answers differ from translate's)"
    print(f"| serve, {clients} client{'s' if clients > 1 else ''} | {n} | {rate:.1f} | {p50:.1f} | {p95:.1f} | {100 * rate / translate_rate:.0f}%{note} |")
PY
