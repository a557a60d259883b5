"""Golden traces: `loopviz trace` of every bundled scenario, kept in tests/golden/.

    python3 tests/golden.py LOOPVIZ NAME         compare scenarios/NAME.py with its golden trace
    python3 tests/golden.py LOOPVIZ --update     rewrite every golden trace (review the diff!)

A change to the loop, the compiler or the trace that alters any recorded scheduling decision
shows up as a failing test with a unified diff. Traces are deterministic, so a golden file
changes only when behaviour does; update them only on purpose (the diff goes in the commit).
The scenario's path inside the trace is normalised to scenarios/NAME.py.
"""
import difflib
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCENARIOS = os.path.join(ROOT, "scenarios")
GOLDEN = os.path.join(ROOT, "tests", "golden")


def trace_of(loopviz, name):
    path = os.path.join("scenarios", name + ".py")
    proc = subprocess.run([loopviz, "trace", path], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"golden: loopviz trace {path} exited {proc.returncode}:\n{proc.stderr}")
    return proc.stdout


def names():
    return sorted(f[:-3] for f in os.listdir(SCENARIOS) if f.endswith(".py"))


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    loopviz, what = argv[1], argv[2]
    if what == "--update":
        os.makedirs(GOLDEN, exist_ok=True)
        for name in names():
            with open(os.path.join(GOLDEN, name + ".trace"), "w", encoding="utf-8") as f:
                f.write(trace_of(loopviz, name))
        print(f"golden: wrote {len(names())} traces to {GOLDEN}")
        return 0
    golden_path = os.path.join(GOLDEN, what + ".trace")
    if not os.path.exists(golden_path):
        print(f"golden: no golden trace {golden_path}; run with --update and review it",
              file=sys.stderr)
        return 1
    with open(golden_path, encoding="utf-8") as f:
        want = f.read()
    got = trace_of(loopviz, what)
    if got == want:
        return 0
    diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                f"golden/{what}.trace", f"loopviz trace scenarios/{what}.py", n=2)
    sys.stdout.writelines(list(diff)[:200])
    print(f"golden: the trace of scenarios/{what}.py changed (update with --update if intended)")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
