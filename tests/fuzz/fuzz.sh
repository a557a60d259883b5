#!/bin/sh
# Runs one libFuzzer target: first every input of tests/fuzz/regress/ once (each crashed some
# target once), then SECONDS of fuzzing into CORPUS, starting from it and the SEED directories.
#
#   sh tests/fuzz/fuzz.sh [--fresh] [--seed N] TARGET SECONDS CORPUS [SEED...]
#
# --fresh empties CORPUS first and --seed fixes libFuzzer's random seed: the ctest run starts
# from the seed corpus with seed 1 every time, so it does the same work every time (and a red
# `make test` is no accident); `make fuzz` keeps its corpus, takes a new seed each run and goes
# deeper run after run.
#
# A crash leaves its input in CORPUS/../artifacts/NAME/ (NAME: the target's file name) and the
# script exits non-zero with the sanitizer's report; to keep it as a regression input, copy it to
# tests/fuzz/regress/ with a name saying what it broke. On success the last lines are libFuzzer's
# statistics (executions, executions per second, peak memory).
set -u
fresh=false
seed=
while [ $# -gt 0 ]; do
  case $1 in
  --fresh) fresh=true; shift ;;
  --seed) seed="-seed=$2"; shift 2 ;;
  *) break ;;
  esac
done
if [ $# -lt 3 ]; then
  echo "usage: sh tests/fuzz/fuzz.sh [--fresh] [--seed N] TARGET SECONDS CORPUS [SEED...]" >&2
  exit 2
fi
target=$1
seconds=$2
corpus=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$target")
artifacts="$(dirname "$corpus")/artifacts/$name"
log="$(dirname "$corpus")/$name.log"
if $fresh; then
  rm -rf "$corpus"
fi
mkdir -p "$corpus" "$artifacts"

# Regression inputs, each run once in its own process. No crash may come back.
regress=$(find "$here/regress" -type f ! -name 'README*' 2>/dev/null | sort)
if [ -n "$regress" ]; then
  count=0
  for input in $regress; do
    if ! "$target" -timeout=10 "$input" >"$log" 2>&1; then
      echo "fuzz: $name crashes again on $input:"
      tail -n 40 "$log"
      exit 1
    fi
    count=$((count + 1))
  done
  echo "fuzz: $name: $count regression inputs pass"
fi

# -timeout: one input running 10 s is a hang. -rss_limit_mb: the run target's memory limit is
# 64 MiB, anything near 2 GiB is a leak or an unchecked allocation.
"$target" $seed -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -dict="$here/python.dict" \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "$here/regress" "$@" \
  >"$log" 2>&1
status=$?
if [ $status -ne 0 ]; then
  echo "fuzz: $name found a crash (exit status $status); inputs in $artifacts:"
  ls "$artifacts"
  grep -n -A40 -E '^==[0-9]+==ERROR|runtime error|fuzz expectation failed|ERROR: libFuzzer' "$log" |
    head -n 80
  exit 1
fi
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
echo "fuzz: $name: no crash in $seconds s (log: $log)"
