"""make bench: loopviz against CPython on the same programs, and export speed.

Each workload in bench/workloads/ runs RUNS times under `loopviz run` and under the CPython
oracle (tests/oracle.py, same virtual clock); their outputs must agree. The table gives the
median wall time and the peak resident memory of each, and the ratio. Export speed is frames
per second of `loopviz export gather --frames` at 1280x720 and 1920x1080. The results and this
method are written to docs/performance.md.

    python3 bench/bench.py LOOPVIZ [RUNS]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def run_many(argv, runs):
    times, peaks, outs = [], [], set()
    for _ in range(runs):
        pid_argv = ["/usr/bin/env", "python3", "-c",
                    "import os,resource,subprocess,sys;"
                    "p=subprocess.run(sys.argv[1:],capture_output=True);"
                    "sys.stdout.buffer.write(p.stdout);"
                    "r=resource.getrusage(resource.RUSAGE_CHILDREN);"
                    "sys.stderr.write(str(r.ru_maxrss));"
                    "sys.exit(p.returncode)"] + argv
        start = time.perf_counter()
        proc = subprocess.run(pid_argv, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"bench: {' '.join(argv)} failed ({proc.returncode})")
        peaks.append(int(proc.stderr.decode().strip().splitlines()[-1]) / 1024)
        outs.add(proc.stdout)
    return statistics.median(times), max(peaks), outs


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    loopviz = os.path.abspath(argv[1])
    runs = int(argv[2]) if len(argv) > 2 else 3
    rows = []
    wdir = os.path.join(ROOT, "bench", "workloads")
    for name in sorted(f for f in os.listdir(wdir) if f.endswith(".py")):
        path = os.path.join("bench", "workloads", name)
        lt, lm, lout = run_many([loopviz, "run", path], runs)
        ct, cm, cout = run_many([sys.executable, os.path.join(ROOT, "tests", "oracle.py"), path], runs)
        same = lout == cout and len(lout) == 1
        rows.append((name[:-3], ct, lt, cm, lm, same))
        print(f"{name[:-3]:28} cpython {ct:7.2f}s {cm:7.1f} MiB   loopviz {lt:7.2f}s {lm:7.1f} MiB"
              f"   x{ct / lt:5.1f}   {'same output' if same else 'OUTPUT DIFFERS'}", flush=True)
    exports = []
    for size in ("1280x720", "1920x1080"):
        with tempfile.TemporaryDirectory() as d:
            start = time.perf_counter()
            subprocess.run([loopviz, "export", "gather", "--frames", d, "--size", size],
                           check=True, capture_output=True, cwd=ROOT)
            seconds = time.perf_counter() - start
            frames = len([f for f in os.listdir(d) if f.endswith(".png")])
        exports.append((size, frames, seconds))
        print(f"export gather {size:10} {frames} frames in {seconds:.1f}s: {frames / seconds:.1f} fps",
              flush=True)
    with open(os.path.join(ROOT, "docs", "performance.md"), "w") as f:
        f.write("# Performance\n\nWritten by `make bench` (bench/bench.py); numbers from the last run on "
                f"a {os.cpu_count()}-core machine, median of {runs} runs.\n\n")
        f.write("## Method\n\nEach program in `bench/workloads/` runs under `loopviz run` and under "
                "the CPython oracle (`tests/oracle.py`: CPython 3.11's asyncio on the same virtual "
                "clock); both outputs must be the same. Wall time is the median of the runs; memory "
                "is the peak resident set size. Export speed is `loopviz export gather --frames` "
                "(PNG frames, all cores).\n\n")
        f.write("## Scenarios\n\n| workload | CPython | loopviz | speed-up | CPython peak | loopviz peak | output |\n")
        f.write("|---|---|---|---|---|---|---|\n")
        for name, ct, lt, cm, lm, same in rows:
            f.write(f"| {name} | {ct:.2f} s | {lt:.2f} s | {ct / lt:.1f}x | {cm:.0f} MiB | {lm:.0f} MiB | "
                    f"{'same' if same else 'DIFFERS'} |\n")
        f.write("\n## Export\n\n| size | frames | seconds | frames/s |\n|---|---|---|---|\n")
        for size, frames, seconds in exports:
            f.write(f"| {size} | {frames} | {seconds:.1f} | {frames / seconds:.1f} |\n")
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
