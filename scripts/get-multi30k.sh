#!/usr/bin/env bash
# Fetch Multi30k task 1 (French and English) into data/multi30k/ for configs/multi30k_*.yaml:
#   train.{fr,en} (29,000 pairs), val.{fr,en} (1,014), test_2016_flickr.{fr,en} (1,000).
#
# Usage: scripts/get-multi30k.sh [--from DIR] [--out DIR]
#   default   download data/task1/raw/*.gz from https://github.com/multi30k/dataset
#   --from    copy from a local folder instead (files named as above, .gz or plain text);
#             the environment variable MULTI30K_FROM does the same
#   --out     destination folder (default: data/multi30k under the repository root)
set -euo pipefail

BASE_URL="${MULTI30K_URL:-https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw}"
FROM="${MULTI30K_FROM:-}"
OUT="$(cd "$(dirname "$0")/.." && pwd)/data/multi30k"

while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="${2:?--from needs a folder}"; shift 2 ;;
    --out) OUT="${2:?--out needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "get-multi30k.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$OUT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for split in train val test_2016_flickr; do
  for lang in fr en; do
    name="$split.$lang"
    if [ -n "$FROM" ]; then
      if [ -f "$FROM/$name.gz" ]; then
        gzip -dc "$FROM/$name.gz" > "$tmp/$name"
      elif [ -f "$FROM/$name" ]; then
        cp "$FROM/$name" "$tmp/$name"
      else
        echo "get-multi30k.sh: no $FROM/$name or $FROM/$name.gz" >&2; exit 1
      fi
    else
      if command -v curl > /dev/null; then
        curl -fsSL "$BASE_URL/$name.gz" -o "$tmp/$name.gz"
      else
        wget -q "$BASE_URL/$name.gz" -O "$tmp/$name.gz"
      fi || { echo "get-multi30k.sh: could not download $BASE_URL/$name.gz" >&2; exit 1; }
      gzip -dc "$tmp/$name.gz" > "$tmp/$name"
      rm "$tmp/$name.gz"
    fi
  done
  fr_lines=$(wc -l < "$tmp/$split.fr"); en_lines=$(wc -l < "$tmp/$split.en")
  if [ "$fr_lines" -ne "$en_lines" ]; then
    echo "get-multi30k.sh: $split.fr has $fr_lines lines but $split.en has $en_lines" >&2; exit 1
  fi
done

for split in train val test_2016_flickr; do
  for lang in fr en; do
    mv "$tmp/$split.$lang" "$OUT/$split.$lang"
  done
  echo "$OUT/$split.{fr,en}: $(wc -l < "$OUT/$split.fr") lines"
done
