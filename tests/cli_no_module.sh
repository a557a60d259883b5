#!/bin/sh
# loopviz without its drawing module (gui.h): a copy of the executable in DIR/bin, alone. The
# commands that do not draw work as before; the window and the picture exports exit 4 with one
# line naming the module's path and dlerror(); usage errors are still found first (exit 2). Then
# the module is put where `cmake --install` puts it (bin/RELDIR) and a picture export works.
#
#     sh tests/cli_no_module.sh LOOPVIZ MODULE SCENARIO.py DIR RELDIR
set -u
exe=$1
module=$2
scenario=$3
dir=$4
reldir=$5
fail() {
  echo "FAIL: $*"
  exit 1
}

{ rm -rf "$dir" && mkdir -p "$dir/bin"; } || fail "mkdir $dir/bin"
cp "$exe" "$dir/bin/loopviz" || fail "cp $exe"
copy="$dir/bin/loopviz"

"$exe" run "$scenario" >"$dir/want" 2>&1 || fail "loopviz run $scenario"
"$copy" run "$scenario" >"$dir/got" 2>&1 || fail "the copy: loopviz run $scenario"
cmp -s "$dir/want" "$dir/got" || fail "the copy's run differs"
"$copy" trace "$scenario" >/dev/null || fail "the copy: loopviz trace"
"$copy" --help >/dev/null || fail "the copy: loopviz --help"
"$copy" export "$scenario" --mermaid - >/dev/null || fail "the copy: loopviz export --mermaid"
echo "ok: run, trace, --help and --mermaid without the module"

# The module is looked for beside the executable, then in bin/RELDIR.
want="$(cd "$dir" && pwd -P)/bin/$reldir/loopviz-gui.so"
want=$(echo "$want" | sed -e 's|/bin/\.\./|/|')
check() { # expected status, then the command line
  status=$1
  shift
  "$copy" "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  cat "$dir/err"
  [ "$rc" -eq "$status" ] || fail "loopviz $*: exit status $rc, not $status"
}
check 4 export "$scenario" --png "$dir/x.png"
grep -q "^loopviz: cannot load the drawing module $want: cannot open shared object file: No such file" "$dir/err" ||
  fail "the message does not name $want and dlerror()"
[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "more than one line"
[ ! -e "$dir/x.png" ] || fail "a PNG was written"
check 4 export "$scenario" --mermaid "$dir/m.txt" --svg "$dir/x.svg"
[ -s "$dir/m.txt" ] || fail "the mermaid export before the pictures was not written"
env -u DISPLAY -u WAYLAND_DISPLAY "$copy" "$scenario" 2>"$dir/err"
[ $? -eq 4 ] || fail "the window: not exit status 4"
grep -q "cannot load the drawing module $want" "$dir/err" || fail "the window's message"
check 2 export "$scenario" --png "$dir/x.png" --fps 3 # a usage error, found before loading
check 2 no_such_scenario_name
echo "ok: exit status 4 naming $want"

{ mkdir -p "$(dirname "$want")" && cp "$module" "$want"; } || fail "cp $module $want"
check 0 export "$scenario" --svg "$dir/x.svg"
[ -s "$dir/x.svg" ] || fail "no SVG through $want"
echo "ok: the module found in bin/$reldir"
rm -rf "$dir"
