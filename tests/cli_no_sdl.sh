#!/bin/sh
# The commands of loopviz that do not draw load no SDL (issue 10): the executable's dynamic
# section needs none of the drawing libraries, and the dynamic loader's log (LD_DEBUG=libs) of
# run, trace, list, --help, --version and the text exports names none of them. A picture export
# must name them, or this test could not see them.
#
#     sh tests/cli_no_sdl.sh LOOPVIZ SCENARIO.py
set -u
exe=$1
scenario=$2
drawing='sdl2\|fontconfig\|libpng\|freetype\|harfbuzz\|libx11\|wayland\|pulse\|asound\|loopviz-gui'
fail() {
  echo "FAIL: $*"
  exit 1
}

needed=$(readelf -d "$exe" | grep '(NEEDED)') || fail "readelf -d $exe"
echo "$needed"
echo "$needed" | grep -i "$drawing" && fail "$exe needs a drawing library"

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
# Each command line, one a line; every one must exit 0 and load nothing that draws.
while read -r words; do
  # shellcheck disable=SC2086 # the words are split on purpose
  LD_DEBUG=libs "$exe" $words >"$tmp/out" 2>"$tmp/log"
  rc=$?
  [ "$rc" -eq 0 ] || fail "loopviz $words: exit status $rc"
  grep -q 'calling init' "$tmp/log" || fail "loopviz $words: LD_DEBUG=libs logged nothing"
  if grep -i "$drawing" "$tmp/log"; then
    fail "loopviz $words loaded a drawing library"
  fi
  echo "ok: loopviz $words"
done <<WORDS
run $scenario
trace $scenario
trace --json --lines $scenario
list
--help
--version
export $scenario --mermaid -
export $scenario --chrome-trace -
export $scenario --mermaid $tmp/m.txt --chrome-trace $tmp/c.json
WORDS

# The control: a picture export loads the module and SDL through it.
LD_DEBUG=libs "$exe" export "$scenario" --svg "$tmp/x.svg" >/dev/null 2>"$tmp/log" ||
  fail "loopviz export --svg failed: $(grep -v '^ *[0-9]*:' "$tmp/log")"
grep -qi 'loopviz-gui.so' "$tmp/log" || fail "export --svg did not load loopviz-gui.so"
grep -qi 'libSDL2' "$tmp/log" || fail "export --svg loaded no SDL: the check above sees nothing"
echo "ok: export --svg loads loopviz-gui.so and SDL"
