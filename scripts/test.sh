#!/usr/bin/env bash
# Runs every check a change must pass: formatting, a warning-free build, and the test suite.
# Ends with one line of totals: "N passed, N failed, N skipped". Exit code 0 only when all pass.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0

echo "== restore"
dotnet restore Seq2Seq.sln --verbosity quiet || exit 1

echo "== format"
if ! dotnet format Seq2Seq.sln --verify-no-changes --no-restore; then
  echo "dotnet format found unformatted code (run 'dotnet format Seq2Seq.sln')"
  status=1
fi

echo "== build (warnings are errors)"
dotnet build Seq2Seq.sln --no-restore -c Release -warnaserror --verbosity quiet -nologo || exit 1

echo "== test"
dotnet test Seq2Seq.sln --no-build -c Release --logger "trx;LogFilePrefix=run" --results-directory "$results" \
  --logger "console;verbosity=normal" || status=1

# Count outcomes from the TRX files (dotnet test's own summary line is not what CI reads).
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  # Skipped tests are counted in total but not in executed.
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  s=$(( ${t:-0} - ${e:-0} ))
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
done
if [ $((passed + failed + skipped)) -eq 0 ]; then
  echo "no test results found"
  status=1
fi
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
