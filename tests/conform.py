"""Conformance runner: does `loopviz run FILE` write what CPython writes?

Usage:
    python3 tests/conform.py LOOPVIZ FILE [FILE...]
    python3 tests/conform.py --oracle-only [--show] FILE [FILE...]
    python3 tests/conform.py --self-test

For each FILE it runs `python3 tests/oracle.py FILE` (CPython 3.11 on the
virtual clock) and `LOOPVIZ run FILE`, each with a 60 s timeout (environment
variable CONFORM_TIMEOUT to change it; CONFORM_LOOPVIZ_ARGS adds options to
`loopviz run`, e.g. --gc-stress), and compares:
  - stdout, exactly;
  - the exit status;
  - when the expected status is 1, the last line of stderr (the exception
    line of a traceback, e.g. "ValueError: boom");
  - the "coroutine ... was never awaited" warnings on stderr: the same
    coroutines at the same lines (the file's path, which CPython writes
    absolute, aside).
On a mismatch it prints unified diffs and exits 1; when everything matches it
exits 0. Problems with the test itself (oracle deadlock without an expected
file, bad expected file, oracle timeout) exit 2.

Expected files. Where CPython cannot judge (a deadlock, where CPython would
hang; a diagnostic worded by loopviz), FILE may have a sibling FILE.expected
(e.g. tests/conformance/asyncio/150_deadlock.py.expected). Then loopviz is
compared with that file instead of the oracle. Its format: lines starting
with "#" before the first section are comments; each section starts with a
header line of its own:

    --- status
    1
    --- stdout
    every line up to the next header, verbatim, each ending in a newline
    --- stderr-last-line
    RuntimeError: the last non-empty line of stderr
    --- stderr-contains
    each non-empty line here must occur somewhere in stderr
    another line

"status" and "stdout" are required; the two stderr sections are optional and
checked whatever the status. (A stdout without a final newline cannot be
expressed; write scenarios whose output ends with a newline.)

--oracle-only checks the scenarios themselves, without loopviz: the oracle
must finish within 5 s (no real waiting), with status 0 or 1, and write the
same output under two different hash seeds (so the scenario does not depend
on the order of a set of strings). With FILE.expected, the oracle's stdout
must equal the expected stdout and, unless the oracle reports a deadlock,
its status and stderr must satisfy the expected file too. --show also prints
what the oracle wrote.

--self-test checks this runner itself: it runs fake loopviz programs (shell
scripts around the oracle, or printing wrong output, hanging, crashing)
through the match, mismatch and broken paths and exits 0 when each path
reports what it should.
"""

import difflib
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "oracle.py")
# seconds, for each run; CONFORM_TIMEOUT overrides it (slow sanitizer builds)
TIMEOUT = float(os.environ.get("CONFORM_TIMEOUT", "60"))
# options given to `loopviz run` before FILE (e.g. --gc-stress), space-separated
EXTRA_ARGS = os.environ.get("CONFORM_LOOPVIZ_ARGS", "").split()
ORACLE_ONLY_MAX_SECONDS = 5.0
DEADLOCK_STATUS = 3         # the oracle's status when CPython would hang
SECTIONS = ("status", "stdout", "stderr-last-line", "stderr-contains")

MATCH, MISMATCH, BROKEN = 0, 1, 2


class Run:
    """What one program wrote and how it ended."""

    def __init__(self, stdout, stderr, status, seconds, timed_out):
        self.stdout = stdout          # str
        self.stderr = stderr          # str
        self.status = status          # int exit status, or -signal
        self.seconds = seconds        # wall time
        self.timed_out = timed_out    # killed after TIMEOUT

    def describe_status(self):
        if self.timed_out:
            return f"timed out after {TIMEOUT:.0f} s"
        if self.status < 0:
            try:
                name = signal.Signals(-self.status).name
            except ValueError:
                name = f"signal {-self.status}"
            return f"killed by {name}"
        return f"exit status {self.status}"


def run(cmd, env=None):
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        err = exc.stderr or b""
        return Run(out.decode("utf-8", "replace"),
                   err.decode("utf-8", "replace"), None,
                   time.monotonic() - start, True)
    return Run(proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"), proc.returncode,
               time.monotonic() - start, False)


def run_oracle(path, hashseed=None):
    env = None
    if hashseed is not None:
        env = dict(os.environ, PYTHONHASHSEED=str(hashseed))
    return run([sys.executable, ORACLE, path], env)


def last_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def tail(text, count=25):
    lines = text.splitlines()
    shown = lines[-count:]
    prefix = [f"    ... ({len(lines) - count} earlier lines)"] \
        if len(lines) > count else []
    return "\n".join(prefix + ["    " + line for line in shown])


class Expected:
    """The judgement of a FILE.expected, or of an oracle run."""

    def __init__(self, status, stdout, stderr_last_line=None,
                 stderr_contains=(), source="", never_awaited=None):
        self.status = status                        # int
        self.stdout = stdout                        # str
        self.stderr_last_line = stderr_last_line    # str or None
        self.stderr_contains = list(stderr_contains)  # list of str
        self.source = source                        # name used in diffs
        self.never_awaited = never_awaited          # list or None (unchecked)


class ExpectedFileError(Exception):
    pass


def parse_expected(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sections = {}
    current = None
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        stripped = line.rstrip("\n")
        if stripped.startswith("--- "):
            name = stripped[4:].strip()
            if name not in SECTIONS:
                raise ExpectedFileError(
                    f"{path}:{number}: unknown section '{name}' "
                    f"(known: {', '.join(SECTIONS)})")
            if name in sections:
                raise ExpectedFileError(
                    f"{path}:{number}: section '{name}' given twice")
            sections[name] = []
            current = name
        elif current is None:
            if stripped and not stripped.startswith("#"):
                raise ExpectedFileError(
                    f"{path}:{number}: text before the first section")
        else:
            sections[current].append(line)
    for name in ("status", "stdout"):
        if name not in sections:
            raise ExpectedFileError(f"{path}: missing section '{name}'")
    status_text = "".join(sections["status"]).strip()
    try:
        status = int(status_text)
    except ValueError:
        raise ExpectedFileError(
            f"{path}: status '{status_text}' is not an integer") from None
    stdout = "".join(sections["stdout"])
    if stdout and not stdout.endswith("\n"):
        stdout += "\n"
    last = None
    if "stderr-last-line" in sections:
        last = "".join(sections["stderr-last-line"]).strip("\n")
        if "\n" in last:
            raise ExpectedFileError(
                f"{path}: stderr-last-line must be one line")
    contains = [line.rstrip("\n") for line in
                sections.get("stderr-contains", []) if line.strip()]
    return Expected(status, stdout, last, contains,
                    source=os.path.basename(path))


NEVER_AWAITED = re.compile(
    r":(\d+): RuntimeWarning: coroutine '([^']*)' was never awaited$", re.M)


def never_awaited(stderr):
    """The (line, coroutine) of each never-awaited warning, sorted."""
    return sorted((int(line), name)
                  for line, name in NEVER_AWAITED.findall(stderr))


def expected_from_oracle(oracle):
    last = last_line(oracle.stderr) if oracle.status == 1 else None
    return Expected(oracle.status, oracle.stdout, last, source="oracle",
                    never_awaited=never_awaited(oracle.stderr))


def stdout_diff(expected, actual, expected_name, actual_name):
    diff = difflib.unified_diff(expected.splitlines(keepends=True),
                                actual.splitlines(keepends=True),
                                fromfile=f"stdout ({expected_name})",
                                tofile=f"stdout ({actual_name})")
    text = "".join(line if line.endswith("\n") else
                   line + "\n\\ No newline at end of output\n"
                   for line in diff)
    return "stdout differs:\n" + text.rstrip("\n")


def compare(expected, actual, actual_name):
    """Return a list of human-readable differences (empty when it matches)."""
    problems = []
    if actual.timed_out:
        problems.append(f"{actual_name}: {actual.describe_status()}")
    if actual.stdout != expected.stdout:
        problems.append(stdout_diff(expected.stdout, actual.stdout,
                                    expected.source, actual_name))
    if actual.status != expected.status and not actual.timed_out:
        problems.append(f"exit status differs: {expected.source} "
                        f"{expected.status}, {actual_name} "
                        f"{actual.describe_status()}")
    def differs(what, want, got):
        return f"{what}:\n-{want}   ({expected.source})\n+{got}   ({actual_name})"

    if expected.stderr_last_line is not None:
        got = last_line(actual.stderr)
        if got != expected.stderr_last_line:
            problems.append(differs("last line of stderr differs", expected.stderr_last_line, got))
    for needle in expected.stderr_contains:
        if needle not in actual.stderr:
            problems.append(f"stderr lacks the line: {needle}")
    if expected.never_awaited is not None:
        got = never_awaited(actual.stderr)
        if got != expected.never_awaited:
            problems.append(differs("never-awaited warnings differ (line, coroutine)",
                                    expected.never_awaited, got))
    if problems and actual.stderr.strip():
        problems.append(f"stderr of {actual_name}:\n{tail(actual.stderr)}")
    return problems


def report(path, problems):
    if problems:
        print(f"conform: MISMATCH {path}")
        for problem in problems:
            print(problem)
        return MISMATCH
    print(f"conform: ok {path}")
    return MATCH


def check_against_loopviz(loopviz, path):
    expected_path = path + ".expected"
    if os.path.exists(expected_path):
        try:
            expected = parse_expected(expected_path)
        except ExpectedFileError as exc:
            print(f"conform: BROKEN {path}: {exc}")
            return BROKEN
    else:
        oracle = run_oracle(path)
        if oracle.timed_out or oracle.status not in (0, 1):
            reason = ("the oracle reports a deadlock (CPython would hang); "
                      f"write {os.path.basename(expected_path)}"
                      if oracle.status == DEADLOCK_STATUS
                      else f"the oracle ended with "
                           f"{oracle.describe_status()}")
            print(f"conform: BROKEN {path}: {reason}")
            if oracle.stderr.strip():
                print(f"stderr of the oracle:\n{tail(oracle.stderr)}")
            return BROKEN
        expected = expected_from_oracle(oracle)
    try:
        actual = run([loopviz, "run"] + EXTRA_ARGS + [path])
    except OSError as exc:
        print(f"conform: BROKEN {path}: cannot run {loopviz}: {exc}")
        return BROKEN
    return report(path, compare(expected, actual, "loopviz"))


def check_oracle_only(path, show):
    first = run_oracle(path, hashseed=1)
    if show:
        print(f"--- {path}: stdout")
        sys.stdout.write(first.stdout)
        print(f"--- {path}: stderr")
        sys.stdout.write(first.stderr)
        print(f"--- {path}: {first.describe_status()}, {first.seconds:.2f} s")
    if first.timed_out:
        print(f"conform: BROKEN {path}: the oracle {first.describe_status()}")
        return BROKEN
    problems = []
    if first.seconds > ORACLE_ONLY_MAX_SECONDS:
        problems.append(f"the oracle took {first.seconds:.1f} s; scenarios "
                        f"must finish at once (no real waiting)")
    second = run_oracle(path, hashseed=2)
    if (second.stdout, second.stderr, second.status) != \
            (first.stdout, first.stderr, first.status):
        problems.append("the oracle's output depends on the hash seed "
                        "(a set or hash order of strings?):")
        problems.extend(compare(expected_from_oracle(first), second,
                                "oracle with another hash seed"))
    expected_path = path + ".expected"
    if os.path.exists(expected_path):
        try:
            expected = parse_expected(expected_path)
        except ExpectedFileError as exc:
            print(f"conform: BROKEN {path}: {exc}")
            return BROKEN
        if first.status == DEADLOCK_STATUS:
            # CPython would hang here; only the output before it is known.
            if first.stdout != expected.stdout:
                problems.append(stdout_diff(expected.stdout, first.stdout,
                                            expected.source, "oracle"))
        else:
            problems.extend(compare(expected, first, "oracle"))
    elif first.status not in (0, 1):
        problems.append(f"the oracle ended with {first.describe_status()}")
        if first.stderr.strip():
            problems.append(f"stderr of the oracle:\n{tail(first.stderr)}")
    if problems:
        print(f"conform: BROKEN {path}")
        for problem in problems:
            print(problem)
        return BROKEN
    print(f"conform: ok {path} (oracle {first.describe_status()}, "
          f"{len(first.stdout.splitlines())} lines, {first.seconds:.2f} s)")
    return MATCH


# --- self-test of this runner (python3 tests/conform.py --self-test) -------

SELF_TEST_SCENARIOS = {
    "ok.py": 'import asyncio\n'
             'async def main():\n'
             '    await asyncio.sleep(5)\n'
             '    print("hello", asyncio.get_running_loop().time())\n'
             'asyncio.run(main())\n',
    "fails.py": 'def f():\n'
                '    raise KeyError("k")\n'
                'print("before")\n'
                'f()\n',
    "hangs.py": 'import asyncio\n'
                'async def main():\n'
                '    print("waiting forever")\n'
                '    await asyncio.Event().wait()\n'
                'asyncio.run(main())\n',
    "hashorder.py": 'print({"alpha", "beta", "gamma", "delta", "epsilon"})\n',
}

SELF_TEST_EXPECTED = (
    "# a deadlock\n"
    "--- status\n1\n"
    "--- stdout\nwaiting forever\n"
    "--- stderr-last-line\nRuntimeError: deadlock\n"
    "--- stderr-contains\nwaits on Event.wait()\n")

# Fake loopviz programs: (name, shell body). "$2" is the scenario.
SELF_TEST_FAKES = {
    "same": f'exec "{sys.executable}" "{ORACLE}" "$2"',
    "stdout": f'"{sys.executable}" "{ORACLE}" "$2" | sed s/hello/HELLO/',
    "status": f'"{sys.executable}" "{ORACLE}" "$2"; exit 7',
    "lastline": f'"{sys.executable}" "{ORACLE}" "$2"; s=$?; '
                'echo "TypeError: other" >&2; exit $s',
    "othertb": 'echo before; echo "Traceback (different frames)" >&2; '
               'echo "KeyError: \'k\'" >&2; exit 1',
    "deadlock": 'echo "waiting forever"; '
                'echo "Task-1 main() waits on Event.wait() at x.py:4" >&2; '
                'echo "RuntimeError: deadlock" >&2; exit 1',
    "sleepy": 'echo "waiting forever"; sleep 30',
    "segv": 'echo "waiting forever"; kill -SEGV $$',
}


def self_test():
    """Exercise the match, mismatch and broken paths with fake programs."""
    import contextlib
    import io
    import shutil
    import tempfile

    global TIMEOUT
    failures = []
    tmp = tempfile.mkdtemp(prefix="conform-self-test-")
    try:
        for name, text in SELF_TEST_SCENARIOS.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        fakes = {}
        for name, body in SELF_TEST_FAKES.items():
            path = os.path.join(tmp, "fake-" + name)
            with open(path, "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\n" + body + "\n")
            os.chmod(path, 0o755)
            fakes[name] = path

        def check(label, want, must_print, func, *args):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                got = func(*args)
            text = out.getvalue()
            missing = [m for m in must_print if m not in text]
            if got != want or missing:
                failures.append(f"{label}: status {got} (want {want}), "
                                f"missing {missing!r} in:\n{text}")
            else:
                print(f"self-test ok: {label}")

        ok = os.path.join(tmp, "ok.py")
        fails = os.path.join(tmp, "fails.py")
        hangs = os.path.join(tmp, "hangs.py")
        check("identical output matches", MATCH, ["conform: ok"],
              check_against_loopviz, fakes["same"], ok)
        check("different stdout is a mismatch", MISMATCH,
              ["-hello 5.0", "+HELLO 5.0", "stdout (oracle)"],
              check_against_loopviz, fakes["stdout"], ok)
        check("different status is a mismatch", MISMATCH,
              ["exit status differs: oracle 0, loopviz exit status 7"],
              check_against_loopviz, fakes["status"], ok)
        check("error scenario, same run, matches", MATCH, ["conform: ok"],
              check_against_loopviz, fakes["same"], fails)
        check("error scenario, other last line, mismatch", MISMATCH,
              ["-KeyError: 'k'", "+TypeError: other"],
              check_against_loopviz, fakes["lastline"], fails)
        check("error scenario, only last line compared", MATCH,
              ["conform: ok"], check_against_loopviz, fakes["othertb"],
              fails)
        check("deadlock without expected file is broken", BROKEN,
              ["deadlock", "hangs.py.expected"],
              check_against_loopviz, fakes["deadlock"], hangs)
        with open(hangs + ".expected", "w", encoding="utf-8") as f:
            f.write(SELF_TEST_EXPECTED)
        check("expected file satisfied", MATCH, ["conform: ok"],
              check_against_loopviz, fakes["deadlock"], hangs)
        check("expected file not satisfied", MISMATCH,
              ["stderr lacks the line: waits on Event.wait()",
               "exit status differs"],
              check_against_loopviz, fakes["same"], hangs)
        check("oracle-only accepts a deadlock with expected file", MATCH,
              ["conform: ok"], check_oracle_only, hangs, False)
        check("crash by signal is a mismatch", MISMATCH,
              ["killed by SIGSEGV"],
              check_against_loopviz, fakes["segv"], hangs)
        saved, TIMEOUT = TIMEOUT, 1.0
        try:
            check("hang is a mismatch", MISMATCH, ["timed out after 1 s"],
                  check_against_loopviz, fakes["sleepy"], hangs)
        finally:
            TIMEOUT = saved
        with open(hangs + ".expected", "w", encoding="utf-8") as f:
            f.write("--- stdout\nx\n")
        check("malformed expected file is broken", BROKEN,
              ["missing section 'status'"],
              check_against_loopviz, fakes["deadlock"], hangs)
        check("oracle-only passes a good scenario", MATCH, ["conform: ok"],
              check_oracle_only, ok, False)
        check("oracle-only catches hash-order output", BROKEN,
              ["depends on the hash seed"],
              check_oracle_only, os.path.join(tmp, "hashorder.py"), False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print("self-test FAILED:", failure)
    return MISMATCH if failures else MATCH


def main(argv):
    args = argv[1:]
    if args == ["--self-test"]:
        return self_test()
    oracle_only = "--oracle-only" in args
    show = "--show" in args
    args = [a for a in args if a not in ("--oracle-only", "--show")]
    if oracle_only:
        files = args
    else:
        if show or len(args) < 2:
            files = []
        else:
            loopviz, files = args[0], args[1:]
    if not files:
        sys.stderr.write(
            "usage: python3 tests/conform.py LOOPVIZ FILE [FILE...]\n"
            "       python3 tests/conform.py --oracle-only [--show] "
            "FILE [FILE...]\n"
            "       python3 tests/conform.py --self-test\n")
        return BROKEN
    worst = MATCH
    for path in files:
        if not os.path.isfile(path):
            print(f"conform: BROKEN {path}: no such file")
            result = BROKEN
        elif oracle_only:
            result = check_oracle_only(path, show)
        else:
            result = check_against_loopviz(loopviz, path)
        worst = max(worst, result)
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv))
