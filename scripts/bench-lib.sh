# Shared by the benchmark scripts (sourced, not run): where the data and the PyTorch reference are, prerequisite
# checks and the progress line.
#
#   MULTI30K=DIR     the Multi30k task-1 raw files (train, val, test_2016_flickr; .fr and .en). Default: data/multi30k
#                    when scripts/get-multi30k.sh has filled it, else ../shared/data/multi30k beside the checkout.
#   REFERENCE=FILE   the PyTorch reference, a one-file implementation of the same model with `bench train`, `train`
#                    and `translate` subcommands (not part of this repository; see docs/performance.md). Default:
#                    ../shared/reference/rnn_nmt.py beside the checkout. Only the scripts that compare with it need it.

# multi30k_dir ROOT: the Multi30k folder to read (see MULTI30K above).
multi30k_dir() {
  if [ -n "${MULTI30K:-}" ]; then echo "$MULTI30K"
  elif [ -f "$1/data/multi30k/train.fr" ]; then echo "$1/data/multi30k"
  else echo "$1/../shared/data/multi30k"
  fi
}

# reference_file ROOT: the PyTorch reference to run (see REFERENCE above).
reference_file() { echo "${REFERENCE:-$1/../shared/reference/rnn_nmt.py}"; }

# require_multi30k DIR: the Multi30k files every benchmark reads, or exit 1 naming the missing one and what to do.
require_multi30k() {
  local f
  for f in train.fr train.en val.fr val.en test_2016_flickr.fr test_2016_flickr.en; do
    [ -f "$1/$f" ] || { echo "$0: $1/$f: missing (run scripts/get-multi30k.sh, or set MULTI30K=DIR to a folder holding the Multi30k files)" >&2; exit 1; }
  done
}

# require_reference FILE: the PyTorch reference exists, or exit 1 saying what to set and what runs without it.
require_reference() {
  [ -f "$1" ] || {
    echo "$0: $1: no PyTorch reference (set REFERENCE=FILE to a PyTorch implementation of the model; see docs/performance.md;" \
      "without one, './seq2seq translate --stats' and train's progress line measure Seq2Seq alone)" >&2
    exit 1
  }
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
