# asyncio.wait with ALL_COMPLETED (default): done and pending sets.
import asyncio

async def job(n, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(f"job {n}")
    return n

async def main():
    tasks = [asyncio.create_task(job(i, d), name=f"job-{i}") for i, d in enumerate([3, 1, 2])]
    done, pending = await asyncio.wait(tasks)
    print(len(done), len(pending), asyncio.get_running_loop().time())
    print(sorted(t.result() for t in done), sorted(t.get_name() for t in done))
    print(type(done).__name__, type(pending).__name__)
    tasks = [asyncio.create_task(job(i, 0.5, fail=(i == 1))) for i in range(3)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    for t in tasks:
        print(t in done, t.exception() is not None, repr(t.exception()))
    print(asyncio.ALL_COMPLETED, asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION)

asyncio.run(main())
