# PriorityQueue keeps heap order for many items, with ties broken by the
# next tuple field; unorderable items raise TypeError.
import asyncio
import random

class Job:
    def __init__(self, prio, name):
        self.prio = prio
        self.name = name
    def __lt__(self, other):
        return self.prio < other.prio

async def main():
    random.seed(5)
    pq = asyncio.PriorityQueue()
    items = [(random.randint(1, 20), i) for i in range(60)]
    for it in items:
        pq.put_nowait(it)
    out = [pq.get_nowait() for _ in range(60)]
    print(out == sorted(items), out[:8])
    jobs = asyncio.PriorityQueue()
    for i, p in enumerate([3, 1, 2, 1, 3, 2, 1]):
        await jobs.put(Job(p, f"job{i}"))
    print([j.name for j in [jobs.get_nowait() for _ in range(7)]])
    bad = asyncio.PriorityQueue()
    bad.put_nowait({"a": 1})
    try:
        bad.put_nowait({"b": 2})
    except TypeError as e:
        print("TypeError:", e)
    print(bad.qsize())
    lifo = asyncio.LifoQueue(maxsize=3)
    for i in range(3):
        await lifo.put(i)
    async def late_get():
        await asyncio.sleep(1)
        return lifo.get_nowait()
    g = asyncio.create_task(late_get())
    await lifo.put(99)
    print("put after a get at", asyncio.get_running_loop().time(), await g, [lifo.get_nowait() for _ in range(3)])

asyncio.run(main())
