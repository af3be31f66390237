# Shared by the benchmark scripts (sourced, not run): prerequisite checks and the progress line.

# require_multi30k DIR: the Multi30k files every benchmark reads, or exit 1 naming the missing one.
require_multi30k() {
  local f
  for f in train.fr train.en val.fr val.en test_2016_flickr.fr test_2016_flickr.en; do
    [ -f "$1/$f" ] || { echo "$0: $1/$f: missing (set MULTI30K=DIR, or run scripts/get-multi30k.sh)" >&2; exit 1; }
  done
}

# require_reference_python PYTHON: the interpreter the PyTorch reference runs with, or exit 1 saying what to install.
require_reference_python() {
  "$1" -c "import torch, sentencepiece" 2>/dev/null \
    || { echo "$0: $1 cannot import torch and sentencepiece (apt-get install python3-torch python3-sentencepiece libopenblas0-pthread)" >&2; exit 1; }
}

# require_marker FILE NAME: FILE holds the "<!-- NAME:begin -->" marker a script writes its table after, or exit 1.
require_marker() {
  [ -f "$1" ] && grep -q "<!-- $2:begin -->" "$1" || { echo "$0: $1 has no <!-- $2:begin --> marker" >&2; exit 1; }
}

# say MESSAGE: a time-stamped progress line on stderr.
say() { echo "[$(date +%H:%M:%S)] $*" >&2; }
