# A simulated server: random arrivals, limited workers, per-request timeouts.
import asyncio
import random

class Stats:
    def __init__(self):
        self.ok = 0
        self.timeouts = 0
        self.latencies = []

async def handle(req_id, sem, stats):
    arrived = asyncio.get_running_loop().time()
    async with sem:
        work = random.choice([0.2, 0.5, 1.5])
        try:
            await asyncio.wait_for(asyncio.sleep(work), timeout=1.0)
            stats.ok += 1
            outcome = "ok"
        except TimeoutError:
            stats.timeouts += 1
            outcome = "timeout"
    latency = asyncio.get_running_loop().time() - arrived
    stats.latencies.append(round(latency, 3))
    print(f"req {req_id:2d}: {outcome:<7} work={work} latency={latency:.3f}")

async def main():
    random.seed(99)
    sem = asyncio.Semaphore(2)
    stats = Stats()
    async with asyncio.TaskGroup() as tg:
        for req_id in range(10):
            tg.create_task(handle(req_id, sem, stats))
            await asyncio.sleep(random.uniform(0, 0.4))
    print(f"ok={stats.ok} timeouts={stats.timeouts}")
    print(f"mean latency {sum(stats.latencies) / len(stats.latencies):.3f}, max {max(stats.latencies)}")
    print(sorted(stats.latencies)[:3])

asyncio.run(main())
