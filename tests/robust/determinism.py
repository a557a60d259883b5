"""Every bundled scenario, traced twice and exported twice, gives identical bytes.

Usage: python3 tests/robust/determinism.py LOOPVIZ [SCENARIO...]   (default: scenarios/*.py)

For each scenario it runs, twice each, `loopviz run`, `loopviz trace`, `loopviz trace --json
--lines`, `loopviz export --mermaid -` and `loopviz export --chrome-trace -`, and compares
stdout, stderr and the exit status of the two runs byte for byte. The virtual clock, the seeded
random module and the absence of addresses in the output make every run the same; a difference
is a bug (an uninitialised byte, a hash order, a pointer printed). Exit status 0 when all agree.
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMMANDS = (
    ["run"],
    ["trace"],
    ["trace", "--json", "--lines"],
    ["export", "--mermaid", "-"],
    ["export", "--chrome-trace", "-"],
)


def once(loopviz, words, scenario):
    proc = subprocess.run([loopviz] + words + [scenario], capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    loopviz = argv[0]
    scenarios = argv[1:] or sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.py")))
    if not scenarios:
        print("determinism: no scenarios found", file=sys.stderr)
        return 2
    bad = 0
    for scenario in scenarios:
        for words in COMMANDS:
            first = once(loopviz, words, scenario)
            second = once(loopviz, words, scenario)
            label = f"loopviz {' '.join(words)} {os.path.basename(scenario)}"
            if first != second:
                bad += 1
                parts = [name for name, a, b in zip(("status", "stdout", "stderr"), first, second)
                         if a != b]
                print(f"determinism: DIFFERS {label}: {', '.join(parts)}")
            elif first[0] not in (0, 1):
                bad += 1
                print(f"determinism: {label} ended with status {first[0]}")
            elif not first[1]:
                bad += 1
                print(f"determinism: {label} wrote nothing on stdout")
    runs = len(scenarios) * len(COMMANDS)
    print(f"determinism: {runs - bad} of {runs} commands gave identical bytes twice "
          f"({len(scenarios)} scenarios)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
