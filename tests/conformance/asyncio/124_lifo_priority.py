# LifoQueue and PriorityQueue ordering.
import asyncio

async def main():
    lifo = asyncio.LifoQueue()
    for x in "abcd":
        lifo.put_nowait(x)
    print([lifo.get_nowait() for _ in range(4)])
    pq = asyncio.PriorityQueue()
    for item in [(3, "low"), (1, "urgent"), (2, "normal"), (1, "also urgent"), (5, "later")]:
        await pq.put(item)
    out = []
    while not pq.empty():
        out.append(await pq.get())
    print(out)
    pq2 = asyncio.PriorityQueue(maxsize=2)
    await pq2.put(9)
    await pq2.put(4)
    print(pq2.full(), pq2.get_nowait(), pq2.get_nowait())
    async def consumer(q, name):
        while True:
            prio, job = await q.get()
            print(name, "runs", job, "priority", prio, "at", asyncio.get_running_loop().time())
            await asyncio.sleep(prio)
            q.task_done()
    jobs = asyncio.PriorityQueue()
    for prio, job in [(2, "compile"), (1, "lint"), (3, "deploy"), (1, "format")]:
        jobs.put_nowait((prio, job))
    c = asyncio.create_task(consumer(jobs, "c1"))
    await jobs.join()
    c.cancel()
    stack = asyncio.LifoQueue(maxsize=1)
    await stack.put("only")
    print(stack.full(), await stack.get(), stack.empty())

asyncio.run(main())
