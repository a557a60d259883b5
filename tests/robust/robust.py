"""Hostile and broken scenarios: does loopviz stop each one cleanly, with its message?

Usage:
    python3 tests/robust/robust.py [--time-factor F] LOOPVIZ CASE.expected [...]
    python3 tests/robust/robust.py --self-test

Every case is an expected file in the format of tests/conform.py (sections status, stdout,
stderr-last-line, stderr-contains; see its docstring), named after the scenario it judges:
NAME.py.expected judges NAME.py beside it. Comment lines before the first section may carry
directives for this runner:

    # args: --max-memory 16            words added after the command (shell quoting)
    # command: export                  run (the default), trace or export
    # generate: long_line              the scenario is made here (GENERATORS below), not read
    # seconds: 5                       the run must end within this many wall seconds

The scenario runs with its directory as the working directory and its bare file name as the
argument, so messages name "NAME.py". Beyond the expected file, every case must end by itself
(no timeout, no signal) and write no sanitizer report. --time-factor multiplies the seconds
(the sanitizer build is several times slower). Exit status 0 when every case passes, 1 on a
mismatch, 2 for a broken case.
"""

import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import conform  # noqa: E402  (tests/conform.py: the expected-file format and the comparison)

TIMEOUT = 300  # seconds: a hang is a failure, not a stuck test run
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")


def gen_long_line():
    """A 20000-character line, twice the default --max-line-length."""
    return "x = [" + ", ".join(["7"] * 6666) + "]\nprint(len(x))\n"


def gen_big_source():
    """About 2 MB of valid Python, twice the default --max-source."""
    lines = [f"value_{i:06d} = {i} * 2 + 1  # padding to make the file big\n"
             for i in range(40000)]
    return "".join(lines) + "print('never reached')\n"


def gen_deep_parens():
    """Parentheses nested 300 deep: past the parser's 200 (CPython's limit too)."""
    return "x = " + "(" * 300 + "1" + ")" * 300 + "\nprint(x)\n"


def gen_deep_blocks():
    """250 nested if statements, one space of indentation each."""
    text = "".join(" " * i + "if True:\n" for i in range(250))
    return text + " " * 250 + "print('deep')\n"


def gen_many_lines():
    """A million empty lines, then one statement: big, but under the limits."""
    return "\n" * 1000000 + "print('after a million lines')\n"


GENERATORS = {
    "long_line": gen_long_line,
    "big_source": gen_big_source,
    "deep_parens": gen_deep_parens,
    "deep_blocks": gen_deep_blocks,
    "many_lines": gen_many_lines,
}


class CaseError(Exception):
    pass


def directives(expected_path):
    found = {}
    with open(expected_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("--- "):
                break
            if line.startswith("#") and ":" in line:
                key, _, value = line[1:].partition(":")
                key = key.strip()
                if key in ("args", "command", "generate", "seconds"):
                    if key in found:
                        raise CaseError(f"{expected_path}: directive '{key}' given twice")
                    found[key] = value.strip()
    return found


def run(cmd, cwd):
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        return conform.Run((exc.stdout or b"").decode("utf-8", "replace"),
                           (exc.stderr or b"").decode("utf-8", "replace"), None,
                           time.monotonic() - start, True)
    return conform.Run(proc.stdout.decode("utf-8", "replace"),
                       proc.stderr.decode("utf-8", "replace"), proc.returncode,
                       time.monotonic() - start, False)


def check_case(loopviz, expected_path, time_factor):
    """Returns (status, lines): conform.MATCH, MISMATCH or BROKEN and what to print."""
    if not expected_path.endswith(".expected"):
        return conform.BROKEN, [f"robust: BROKEN {expected_path}: not an .expected file"]
    scenario = expected_path[:-len(".expected")]
    name = os.path.basename(scenario)
    try:
        expected = conform.parse_expected(expected_path)
        d = directives(expected_path)
    except (conform.ExpectedFileError, CaseError) as exc:
        return conform.BROKEN, [f"robust: BROKEN {expected_path}: {exc}"]
    command = d.get("command", "run")
    if command not in ("run", "trace", "export"):
        return conform.BROKEN, [f"robust: BROKEN {expected_path}: unknown command '{command}'"]
    tmp = None
    try:
        if "generate" in d:
            generator = GENERATORS.get(d["generate"])
            if generator is None:
                return conform.BROKEN, [f"robust: BROKEN {expected_path}: no generator "
                                        f"'{d['generate']}' (known: {', '.join(GENERATORS)})"]
            if os.path.exists(scenario):
                return conform.BROKEN, [f"robust: BROKEN {expected_path}: generated, yet "
                                        f"{name} exists beside it"]
            tmp = tempfile.TemporaryDirectory(prefix="loopviz-robust-")
            with open(os.path.join(tmp.name, name), "w", encoding="utf-8") as f:
                f.write(generator())
            cwd = tmp.name
        else:
            if not os.path.exists(scenario):
                return conform.BROKEN, [f"robust: BROKEN {expected_path}: {name} is missing"]
            cwd = os.path.dirname(os.path.abspath(scenario))
        cmd = [loopviz, command] + shlex.split(d.get("args", "")) + [name]
        try:
            actual = run(cmd, cwd)
        except OSError as exc:
            return conform.BROKEN, [f"robust: BROKEN {expected_path}: cannot run {loopviz}: {exc}"]
    finally:
        if tmp is not None:
            tmp.cleanup()
    problems = conform.compare(expected, actual, "loopviz")
    if actual.status is not None and actual.status < 0:
        problems.append(f"loopviz was {actual.describe_status()}")
    for mark in SANITIZER_MARKS:
        if mark in actual.stderr:
            problems.append(f"a sanitizer report ('{mark}') is on stderr")
    if "seconds" in d:
        limit = float(d["seconds"]) * time_factor
        if actual.seconds > limit:
            problems.append(f"took {actual.seconds:.1f} s, more than the {limit:.0f} s allowed")
    label = " ".join(shlex.quote(word) for word in cmd[1:])
    if problems:
        return conform.MISMATCH, [f"robust: MISMATCH {expected_path} (loopviz {label})"] + problems
    return conform.MATCH, [f"robust: ok {name} (loopviz {label}: {actual.describe_status()}, "
                           f"{actual.seconds:.2f} s)"]


# --- self-test: the runner judges fake programs as it should ---------------------------------

SELF_TEST_FAKES = {
    # name: (shell body, expected judgement). "$#" words; the last is the scenario.
    "good": ('echo "  File \\"$2\\", line 1" >&2; echo "SyntaxError: bad" >&2; exit 1',
             conform.MATCH),
    "status": ('echo "SyntaxError: bad" >&2; exit 0', conform.MISMATCH),
    "segv": ('kill -SEGV $$', conform.MISMATCH),
    "asan": ('echo "==1==ERROR: AddressSanitizer: heap-use-after-free" >&2; '
             'echo "SyntaxError: bad" >&2; exit 1', conform.MISMATCH),
    "slow": ('sleep 3; echo "SyntaxError: bad" >&2; exit 1', conform.MISMATCH),
    "args": ('[ "$2" = "--max-memory" ] && [ "$3" = "16" ] || exit 9; '
             'echo "SyntaxError: bad" >&2; exit 1', conform.MATCH),
}

SELF_TEST_EXPECTED = {
    "good": "--- status\n1\n--- stdout\n--- stderr-last-line\nSyntaxError: bad\n"
            "--- stderr-contains\nFile \"case.py\", line 1\n",
    "status": "--- status\n1\n--- stdout\n--- stderr-last-line\nSyntaxError: bad\n",
    "segv": "--- status\n1\n--- stdout\n",
    "asan": "--- status\n1\n--- stdout\n--- stderr-last-line\nSyntaxError: bad\n",
    "slow": "# seconds: 1\n--- status\n1\n--- stdout\n--- stderr-last-line\nSyntaxError: bad\n",
    "args": "# args: --max-memory 16\n--- status\n1\n--- stdout\n"
            "--- stderr-last-line\nSyntaxError: bad\n",
}


def self_test():
    failures = []
    with tempfile.TemporaryDirectory(prefix="robust-self-test-") as tmp:
        for name, (body, want) in SELF_TEST_FAKES.items():
            fake = os.path.join(tmp, "fake-" + name)
            with open(fake, "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\n" + body + "\n")
            os.chmod(fake, 0o755)
            case_dir = os.path.join(tmp, name)
            os.mkdir(case_dir)
            with open(os.path.join(case_dir, "case.py"), "w", encoding="utf-8") as f:
                f.write("x = (\n")
            expected = os.path.join(case_dir, "case.py.expected")
            with open(expected, "w", encoding="utf-8") as f:
                f.write(SELF_TEST_EXPECTED[name])
            got, lines = check_case(fake, expected, 1.0)
            if got != want:
                failures.append(f"{name}: judged {got}, want {want}:\n" + "\n".join(lines))
        # a generated case with the scenario file also present is broken
        gen_dir = os.path.join(tmp, "gen")
        os.mkdir(gen_dir)
        open(os.path.join(gen_dir, "long.py"), "w").close()
        expected = os.path.join(gen_dir, "long.py.expected")
        with open(expected, "w", encoding="utf-8") as f:
            f.write("# generate: long_line\n--- status\n1\n--- stdout\n")
        got, _ = check_case("/bin/true", expected, 1.0)
        if got != conform.BROKEN:
            failures.append("generate with an existing file: not judged broken")
    for name, generator in GENERATORS.items():
        text = generator()
        if not text.endswith("\n"):
            failures.append(f"generator {name}: no final newline")
    if len(gen_long_line().splitlines()[0]) < 20000:
        failures.append("long_line: the line is under 20000 characters")
    if len(gen_big_source()) < 2000000:
        failures.append("big_source: under 2 MB")
    if failures:
        print("robust: self-test FAILED")
        for failure in failures:
            print(failure)
        return 1
    print(f"robust: self-test ok ({len(SELF_TEST_FAKES)} fake programs, "
          f"{len(GENERATORS)} generators)")
    return 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    time_factor = 1.0
    if len(argv) >= 2 and argv[0] == "--time-factor":
        time_factor = float(argv[1])
        argv = argv[2:]
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    loopviz, cases = argv[0], argv[1:]
    worst = conform.MATCH
    for case in cases:
        status, lines = check_case(loopviz, case, time_factor)
        print("\n".join(lines))
        worst = max(worst, status)
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
