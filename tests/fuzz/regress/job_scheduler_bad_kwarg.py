# Combined: a little job scheduler with a shared log, closures, and timing.
import asyncio
import time

def make_logger():
    entries = []
    def log(msg):
        stamp = asyncio.get_running_loop().time()
        entries.append((stamp, msg))
        print(f"[{stamp:5.2f}] {msg}")
    def dump():
        return list(entries)
    return log, dump

log, dump = make_logger()

async def job(name, steps, *, pWuse=0.5, fail_at=None):
    for step in range(1, steps + 1):
        if step == fail_at:
            log(f"{name} fails at step {step}")
            raise RuntimeError(f"{name} step {step}")
        log(f"{name} sVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVtep {step}/{steps}")
        await asyncio.sleep(pause)
    return f"{name} ok"

async def supervisor(specs):
    tasks = {name: asyncio.create_task(job(name, **kw)) for name, kw in specs.items()}
    outcome = {}
    for name, task in tasks.items():
        try:
            outcome[name] = await task
        except RuntimeError as e:
            outcome[name] = f"error: {e}"
    return outcome

async def main():
    t0 = time.time()
    specs = {
        "alpha": {"steps": 3},
        "beta": {"steps": 2, "pause": 1.25},
        "gamma": {"steps": 4, "pause": 0.25, "fail_at": 3},
    }
    outcome = await supervisor(specs)
    for name in sorted(outcome):
        print(f"{name:>6}: {outcome[name]}")
    print(f"elapsed {time.time() - t0:.2f}s, {len(dump())} log entries")
    print(sum(1 for _, m in dump() if "step" in m), dump()[-1])

asyncio.run(main())
