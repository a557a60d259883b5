#!/bin/sh
# `make valgrind`: the unit tests and `loopviz run` of every bundled scenario under valgrind's
# memcheck. An invalid read or write, a jump on uninitialised memory or a leak definitely lost
# (--errors-for-leak-kinds=definite) fails the run. Memory still reachable at exit (fontconfig's
# and SDL's caches) is no error. The scenarios' own exit status (1 for one that ends in an
# exception on purpose) is not judged here, only what valgrind says.
#
#   sh tests/robust/valgrind.sh BUILD_DIR [TEST...]     (default: every test_* of BUILD_DIR)
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift 2>/dev/null
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind: not installed (make deps installs it)" >&2
  exit 2
fi
logs="$build/valgrind"
mkdir -p "$logs"
cd "$here" || exit 2 # the unit tests open repository files by relative path, as under ctest
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
failed=0
checked=0

check() { # NAME COMMAND...
  name=$1
  shift
  log="$logs/$(echo "$name" | tr ' /' '__').log"
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$log" "$@" >"$log.out" 2>&1
  status=$?
  checked=$((checked + 1))
  if [ $status -eq 99 ] || grep -q "ERROR SUMMARY: [1-9]" "$log"; then
    echo "valgrind: FAIL $name ($log)"
    sed -n '1,60p' "$log"
    failed=$((failed + 1))
  else
    echo "valgrind: ok $name"
  fi
}

if [ $# -gt 0 ]; then
  tests="$*"
else
  tests=$(ls "$build"/test_* 2>/dev/null)
fi
for t in $tests; do
  [ -x "$t" ] && check "$(basename "$t")" "$t"
done
for s in scenarios/*.py; do
  check "run $(basename "$s" .py)" "$build/loopviz" run "$s"
done
echo "valgrind: $checked programs checked, $failed with errors (logs in $logs)"
[ $failed -eq 0 ]
