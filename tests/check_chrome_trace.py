#!/usr/bin/env python3
"""Validates the Chrome / Perfetto trace that `loopviz export --chrome-trace` writes.

    check_chrome_trace.py LOOPVIZ SCENARIO   export SCENARIO and check it against its trace
    check_chrome_trace.py --file OUT.json    check a file on its own
    check_chrome_trace.py --self-test        check that the checker rejects broken traces

What a file must be (docs/trace-format.md): valid JSON (no NaN) holding a traceEvents list;
one thread_name per track, names unique, exactly one "EventLoop"; every event on a named
track; complete ("X") slices with whole, non-negative durations that never overlap on a
track (a zero-length slice shares its start with nothing after it); async waits ("b"/"e")
paired by (cat, id), ending no earlier than they begin; every flow ("s"/"f") paired, its
start inside a slice of its track and its finish at the start of one. Against the scenario's `loopviz trace --json`: one track per
task named "<task name> <coroutine>", one step slice per task step in order, one print
instant per print.
"""
import json
import os
import subprocess
import sys
import tempfile

PHASES = {"M", "X", "i", "b", "e", "s", "f"}


class Bad(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Bad(msg)


def load(text):
    def no_constant(name):
        raise Bad(f"not JSON: {name}")

    try:
        doc = json.loads(text, parse_constant=no_constant)
    except ValueError as e:
        raise Bad(f"not valid JSON: {e}")
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "top level must be an object with a traceEvents list")
    return doc["traceEvents"]


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def validate(events):
    """Checks the file on its own; returns (track names by tid, events by phase)."""
    names = {}
    by_ph = {p: [] for p in PHASES}
    for n, e in enumerate(events):
        check(isinstance(e, dict), f"event {n} is no object")
        ph = e.get("ph")
        check(ph in PHASES, f"event {n}: unexpected ph {ph!r}")
        check(is_int(e.get("pid")) and is_int(e.get("tid")), f"event {n}: pid/tid must be ints")
        check(isinstance(e.get("name"), str) and e["name"] != "", f"event {n}: no name")
        if ph == "M":
            if e["name"] == "thread_name":
                label = e.get("args", {}).get("name")
                check(isinstance(label, str) and label, f"event {n}: thread_name without a name")
                check(e["tid"] not in names, f"tid {e['tid']} named twice")
                names[e["tid"]] = label
        else:
            check(is_int(e.get("ts")) and e["ts"] >= 0, f"event {n}: ts must be a whole number >= 0")
        by_ph[ph].append(e)
    check(len(set(names.values())) == len(names), "two tracks share a name")
    check(list(names.values()).count("EventLoop") == 1, "exactly one track must be EventLoop")
    for ph, evs in by_ph.items():
        if ph == "M":
            continue
        for e in evs:
            check(e["tid"] in names, f"{ph} event {e['name']!r} on unnamed track {e['tid']}")

    slices = {}
    for e in by_ph["X"]:
        check(is_int(e.get("dur")) and e["dur"] >= 0, f"slice {e['name']!r}: bad dur")
        slices.setdefault(e["tid"], []).append(e)
    for tid, lst in slices.items():
        lst.sort(key=lambda e: (e["ts"], e["dur"]))
        for a, b in zip(lst, lst[1:]):
            check(b["ts"] >= a["ts"] + a["dur"] and b["ts"] > a["ts"],
                  f"track {names[tid]!r}: slice {b['name']!r} at {b['ts']} overlaps "
                  f"{a['name']!r} at {a['ts']} (dur {a['dur']})")

    for e in by_ph["i"]:
        check(e.get("s", "t") in ("t", "p", "g"), f"instant {e['name']!r}: bad scope")

    open_waits = {}
    # file order breaks ties: a wait that ends where it begins is written begin first
    for e in sorted(by_ph["b"] + by_ph["e"], key=lambda e: e["ts"]):
        key = (e.get("cat"), e.get("id"))
        check(key[1] is not None, f"async event {e['name']!r} without id")
        if e["ph"] == "b":
            check(key not in open_waits, f"async {key} begins twice")
            open_waits[key] = e
        else:
            check(key in open_waits, f"async {key} ends without a begin")
            b = open_waits.pop(key)
            check(b["name"] == e["name"], f"async {key}: begin {b['name']!r} ends as {e['name']!r}")
            check(e["ts"] >= b["ts"], f"async {key} ends before it begins")
    check(not open_waits, f"async waits never end: {sorted(map(str, open_waits))}")

    def enclosing(e):
        for s in slices.get(e["tid"], []):
            if s["ts"] <= e["ts"] < s["ts"] + max(s["dur"], 1):
                return s
        return None

    def next_slice(e):
        later = [s for s in slices.get(e["tid"], []) if s["ts"] >= e["ts"]]
        return min(later, key=lambda s: s["ts"]) if later else None

    flows = {}
    for e in by_ph["s"] + by_ph["f"]:
        check(e.get("id") is not None, f"flow {e['name']!r} without id")
        if e["ph"] == "s" or e.get("bp") == "e":
            check(enclosing(e) is not None, f"flow {e['ph']} {e['id']} at {e['ts']} is inside "
                  f"no slice of {names[e['tid']]!r}")
        else:
            # a finish binds to the next slice on its track; loopviz puts it at that slice's start
            nxt = next_slice(e)
            check(nxt is not None and nxt["ts"] == e["ts"], f"flow f {e['id']} at {e['ts']} "
                  f"does not start a slice of {names[e['tid']]!r}")
        pair = flows.setdefault((e.get("cat"), e["id"]), {})
        check(e["ph"] not in pair, f"flow {e['id']}: two {e['ph']} events")
        pair[e["ph"]] = e
    for key, pair in flows.items():
        check(set(pair) == {"s", "f"}, f"flow {key} is not a start/finish pair")
        check(pair["f"]["ts"] >= pair["s"]["ts"], f"flow {key} goes back in time")
    return names, by_ph, slices


def cross_check(names, by_ph, slices, trace_lines):
    tasks = {}
    steps = {}
    prints = 0
    for line in trace_lines:
        ev = json.loads(line)
        if ev["kind"] == "created":
            tasks[ev["task"]] = f"{ev['task_name']} {ev['coro']}"
        elif ev["kind"] == "step":
            steps.setdefault(ev["task"], []).append(ev["step"])
        elif ev["kind"] == "print":
            prints += 1
    # the final names: a task renamed later shows its last name in the trace
    for line in trace_lines:
        ev = json.loads(line)
        if "task" in ev:
            tasks[ev["task"]] = f"{ev['task_name']} {ev['coro']}"
    track_names = sorted(n for n in names.values() if n != "EventLoop")
    check(track_names == sorted(tasks.values()),
          f"task tracks {track_names} do not match the tasks {sorted(tasks.values())}")
    by_name = {v: k for k, v in names.items()}
    for task, label in tasks.items():
        got = [s["args"]["step"] for s in slices.get(by_name[label], []) if s.get("cat") == "step"]
        check(got == steps.get(task, []),
              f"{label}: step slices {got} but the trace has steps {steps.get(task, [])}")
    got_prints = sum(1 for e in by_ph["i"] if e["name"].startswith("print: "))
    check(got_prints == prints, f"{got_prints} print instants for {prints} prints")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def check_scenario(loopviz, scenario):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.json")
        status = run([loopviz, "run", scenario]).returncode
        r = run([loopviz, "export", scenario, "--chrome-trace", out])
        check(r.returncode == status, f"export exits {r.returncode}, the program {status}: "
              f"{r.stderr.decode()}")
        check(r.stdout == b"", "export to a file wrote to stdout")
        check(sorted(os.listdir(tmp)) == ["trace.json"], f"left files behind: {os.listdir(tmp)}")
        with open(out, "rb") as f:
            data = f.read()
    names, by_ph, slices = validate(load(data.decode("utf-8")))
    r = run([loopviz, "export", scenario, "--chrome-trace", "-"])
    check(r.returncode == status and r.stdout == data, "'-' does not give the same bytes as a file")
    r = run([loopviz, "trace", "--json", scenario])
    check(r.returncode == status, f"trace --json exits {r.returncode}: {r.stderr.decode()}")
    cross_check(names, by_ph, slices, r.stdout.decode("utf-8").splitlines())
    tasks = len(names) - 1
    print(f"ok: {scenario}: {tasks} task tracks + EventLoop, {len(by_ph['X'])} slices, "
          f"{len(by_ph['b'])} waits, {len(by_ph['s'])} flows, no overlaps")


def self_test():
    def doc(*events):
        meta = [
            {"ph": "M", "pid": 1, "tid": 1, "name": "thread_name", "args": {"name": "EventLoop"}},
            {"ph": "M", "pid": 1, "tid": 2, "name": "thread_name", "args": {"name": "Task-1 main()"}},
        ]
        return json.dumps({"traceEvents": meta + list(events)})

    def x(ts, dur, tid=2, name="start"):
        return {"ph": "X", "pid": 1, "tid": tid, "ts": ts, "dur": dur, "name": name, "cat": "step"}

    good = doc(x(0, 1), x(1, 0), x(5, 2, 1, "cb"),
               {"ph": "b", "pid": 1, "tid": 2, "ts": 1, "name": "await a", "cat": "wait", "id": 2},
               {"ph": "e", "pid": 1, "tid": 2, "ts": 6, "name": "await a", "cat": "wait", "id": 2},
               {"ph": "s", "pid": 1, "tid": 1, "ts": 5, "name": "w", "cat": "wake", "id": 9},
               {"ph": "f", "pid": 1, "tid": 2, "ts": 6, "name": "w", "cat": "wake", "id": 9},
               x(6, 1))
    validate(load(good))
    bad = {
        "invalid JSON": '{"traceEvents": [',
        "NaN": '{"traceEvents": [{"ph": "X", "pid": 1, "tid": 1, "ts": NaN, "dur": 1, "name": "a"}]}',
        "overlap": doc(x(0, 3), x(2, 1)),
        "zero-length twins": doc(x(4, 0), x(4, 0)),
        "unnamed track": doc(x(0, 1, 7)),
        "no EventLoop": json.dumps({"traceEvents": [
            {"ph": "M", "pid": 1, "tid": 2, "name": "thread_name", "args": {"name": "T"}}]}),
        "duplicate names": doc({"ph": "M", "pid": 1, "tid": 3, "name": "thread_name",
                                "args": {"name": "Task-1 main()"}}),
        "unended wait": doc({"ph": "b", "pid": 1, "tid": 2, "ts": 1, "name": "w", "cat": "wait",
                             "id": 2}),
        "flow outside slices": doc(x(0, 1),
                                   {"ph": "s", "pid": 1, "tid": 2, "ts": 50, "name": "w",
                                    "cat": "wake", "id": 1},
                                   {"ph": "f", "pid": 1, "tid": 2, "ts": 0, "name": "w",
                                    "cat": "wake", "id": 1}),
        "finish starting no slice": doc(x(0, 1), x(6, 1),
                                        {"ph": "s", "pid": 1, "tid": 2, "ts": 0, "name": "w",
                                         "cat": "wake", "id": 1},
                                        {"ph": "f", "pid": 1, "tid": 2, "ts": 3, "name": "w",
                                         "cat": "wake", "id": 1}),
        "fractional ts": doc(x(0.5, 1)),
    }
    for what, text in bad.items():
        try:
            validate(load(text))
        except Bad:
            continue
        raise Bad(f"self-test: the checker accepted a trace with {what}")
    print(f"ok: self-test ({len(bad)} broken traces rejected)")


def main(argv):
    try:
        if argv[1:] == ["--self-test"]:
            self_test()
        elif len(argv) == 3 and argv[1] == "--file":
            with open(argv[2], encoding="utf-8") as f:
                names, by_ph, _ = validate(load(f.read()))
            print(f"ok: {argv[2]}: {len(names)} tracks, {len(by_ph['X'])} slices")
        elif len(argv) == 3:
            check_scenario(argv[1], argv[2])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Bad as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
