#!/usr/bin/env python3
"""Checks the mermaid sequence diagram that `loopviz export --mermaid` writes.

    check_mermaid.py LOOPVIZ SCENARIO   export SCENARIO and check it against its trace
    check_mermaid.py --file OUT.mmd     check a file on its own
    check_mermaid.py --self-test        check that the checker rejects broken diagrams

The grammar subset loopviz emits (docs/trace-format.md), one statement per line:

    sequenceDiagram
    participant ID [as LABEL]              all before the first message or note
    ID ARROW ID: TEXT                      ARROW is one of ->> -->> -x --x
    Note over ID[,ID]: TEXT

IDs are declared once, before use, and are no mermaid keyword. LABEL and TEXT are not
empty and hold no character mermaid reads as syntax: no '#' or ';' other than in numeric
entity codes (#35;), no '%', '<', '>', '&', '"', no control characters; no line matches
the /style.*:\\S*#.*;/ or /classDef.*:\\S*#.*;/ rewrites of mermaid's preprocessing, and no
LABEL or TEXT starts with a [no]wrap: directive. When mermaid-cli (mmdc) is installed the
diagram is also rendered; without it that step is skipped (it is not installable here: it
downloads a browser).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ID = r"[A-Za-z][A-Za-z0-9_]*"
ARROWS = ("-->>", "->>", "--x", "-x")
KEYWORDS = {"end", "participant", "actor", "note", "over", "loop", "alt", "else", "opt", "par",
            "and", "rect", "critical", "break", "box", "create", "destroy", "activate",
            "deactivate", "autonumber", "title", "links", "link", "properties", "details"}
PARTICIPANT = re.compile(rf"^    participant ({ID})(?: as (.*))?$")
MESSAGE = re.compile(rf"^    ({ID})(-->>|->>|--x|-x)({ID}): (.*)$")
NOTE = re.compile(rf"^    Note over ({ID})(?:,({ID}))?: (.*)$")
ENTITY = re.compile(r"#[0-9]+;")
FORBIDDEN = set("#;%<>&\"")
PREPROCESS = (re.compile(r"style.*:\S*#.*;"), re.compile(r"classDef.*:\S*#.*;"))
WRAP = re.compile(r"^:?(no)?wrap:", re.IGNORECASE)


class Bad(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Bad(msg)


def check_text(text, where):
    check(text.strip() != "", f"{where}: empty text")
    check(not WRAP.match(text), f"{where}: text starts with a wrap directive")
    bare = ENTITY.sub("", text)
    bad = sorted(set(bare) & FORBIDDEN)
    check(not bad, f"{where}: raw {''.join(bad)!r} in {text!r}")
    check(all(ord(c) >= 0x20 and ord(c) != 0x7f for c in text), f"{where}: control character")


def validate(text):
    """Checks the grammar; returns (participants in order, statements)."""
    check(text.endswith("\n"), "the diagram must end with a newline")
    lines = text.split("\n")[:-1]
    check(lines and lines[0] == "sequenceDiagram", "first line must be 'sequenceDiagram'")
    declared = []
    labels = {}
    statements = []
    for n, line in enumerate(lines[1:], start=2):
        where = f"line {n}"
        if line == "":
            continue
        for rx in PREPROCESS:
            check(not rx.search(line), f"{where}: mermaid's preprocessing would rewrite {line!r}")
        m = PARTICIPANT.match(line)
        if m:
            pid, label = m.groups()
            check(not statements, f"{where}: participant {pid} declared after a message")
            check(pid not in declared, f"{where}: participant {pid} declared twice")
            check(pid.lower() not in KEYWORDS, f"{where}: participant {pid} is a keyword")
            if label is not None:
                check_text(label, where)
            declared.append(pid)
            labels[pid] = label
            continue
        m = MESSAGE.match(line)
        if m:
            a, arrow, b, msg = m.groups()
            for p in (a, b):
                check(p in declared, f"{where}: {p} is used but not declared")
            check_text(msg, where)
            statements.append(("msg", a, arrow, b, msg))
            continue
        m = NOTE.match(line)
        if m:
            a, b, msg = m.groups()
            for p in (a, b):
                check(p is None or p in declared, f"{where}: {p} is used but not declared")
            check_text(msg, where)
            statements.append(("note", a, b, msg))
            continue
        raise Bad(f"{where}: not in the grammar: {line!r}")
    return declared, labels, statements


def decode(text):
    return ENTITY.sub(lambda m: chr(int(m.group(0)[1:-1])), text)


def cross_check(declared, labels, statements, trace_lines):
    names = {}
    starts = returns = raises = 0
    for line in trace_lines:
        ev = json.loads(line)
        if "task" in ev:
            names[ev["task"]] = ev["task_name"]
        if ev["kind"] == "step" and ev["wake"] == "start":
            starts += 1
        elif ev["kind"] == "return":
            returns += 1
        elif ev["kind"] == "raise":
            raises += 1
    want = ["Main", "EventLoop"] + [f"Task{k + 1}" for k in sorted(names) if k > 0] + ["IO"]
    check(declared == want, f"participants {declared}, expected {want}")
    for k, name in names.items():
        label = decode(labels["Main" if k == 0 else f"Task{k + 1}"] or "")
        check(name in label, f"the label of task {k} ({label!r}) does not name {name!r}")
    msgs = [s for s in statements if s[0] == "msg"]
    count = lambda words: sum(1 for s in msgs if s[4].startswith(words))
    check(count("Start execution") == starts, f"{count('Start execution')} starts, {starts} in trace")
    check(count("Return result") == returns, f"{count('Return result')} returns, {returns} in trace")
    got_raises = count("Raise ") + count("Cancelled ")
    check(got_raises == raises, f"{got_raises} raises, {raises} in trace")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def render(path, tmp):
    mmdc = shutil.which("mmdc")
    if mmdc is None:
        return "mermaid-cli (mmdc) not installed: render step skipped"
    r = run([mmdc, "-i", path, "-o", os.path.join(tmp, "out.svg")])
    check(r.returncode == 0, f"mmdc failed: {r.stderr.decode()}")
    return "rendered with mmdc"


def check_scenario(loopviz, scenario):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "diagram.mmd")
        status = run([loopviz, "run", scenario]).returncode
        r = run([loopviz, "export", scenario, "--mermaid", out])
        check(r.returncode == status, f"export exits {r.returncode}, the program {status}: "
              f"{r.stderr.decode()}")
        check(r.stdout == b"", "export to a file wrote to stdout")
        check(sorted(os.listdir(tmp)) == ["diagram.mmd"], f"left files behind: {os.listdir(tmp)}")
        with open(out, "rb") as f:
            data = f.read()
        declared, labels, statements = validate(data.decode("utf-8"))
        rendered = render(out, tmp)
    r = run([loopviz, "export", scenario, "--mermaid", "-"])
    check(r.returncode == status and r.stdout == data, "'-' does not give the same bytes as a file")
    r = run([loopviz, "trace", "--json", scenario])
    check(r.returncode == status, f"trace --json exits {r.returncode}: {r.stderr.decode()}")
    cross_check(declared, labels, statements, r.stdout.decode("utf-8").splitlines())
    # the command line around it: no output option is a usage error
    r = run([loopviz, "export", scenario])
    check(r.returncode == 2 and b"needs --mermaid OUT" in r.stderr,
          f"export without an output: exit {r.returncode}, {r.stderr.decode()!r}")
    print(f"ok: {scenario}: {len(declared)} participants, {len(statements)} statements; {rendered}")


def self_test():
    head = "sequenceDiagram\n    participant Main\n    participant IO\n"
    good = head + "    Main->>IO: Await asyncio.sleep(2) #35;1 #59;\n    Note over Main,IO: ok\n"
    validate(good)
    bad = {
        "no header": "    participant Main\n",
        "undeclared participant": head + "    Main->>Task2: x\n",
        "late participant": head + "    Main->>IO: x\n    participant Task2\n",
        "declared twice": head + "    participant IO\n",
        "raw semicolon": head + "    Main->>IO: a; b\n",
        "raw hash": head + "    Main->>IO: #1\n",
        "percent": head + "    Main->>IO: %%{init}%%\n",
        "html": head + "    Main->>IO: <br>\n",
        "empty text": head + "    Main->>IO: \n",
        "unknown arrow": head + "    Main->>>IO: x\n",
        "style rewrite": head + "    Main->>IO: style:#35;x#59;\n",
        "wrap directive": head + "    Main->>IO: wrap:x\n",
        "keyword id": "sequenceDiagram\n    participant end\n",
        "control character": head + "    Main->>IO: a\tb\n",
        "missing final newline": head.rstrip("\n"),
    }
    for what, text in bad.items():
        try:
            validate(text)
        except Bad:
            continue
        raise Bad(f"self-test: the checker accepted a diagram with {what}")
    print(f"ok: self-test ({len(bad)} broken diagrams rejected)")


def main(argv):
    try:
        if argv[1:] == ["--self-test"]:
            self_test()
        elif len(argv) == 3 and argv[1] == "--file":
            with open(argv[2], encoding="utf-8") as f:
                declared, _, statements = validate(f.read())
            with tempfile.TemporaryDirectory() as tmp:
                rendered = render(argv[2], tmp)
            print(f"ok: {argv[2]}: {len(declared)} participants, {len(statements)} statements; "
                  f"{rendered}")
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
