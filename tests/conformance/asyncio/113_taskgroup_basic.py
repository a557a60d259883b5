# TaskGroup: children run concurrently and are awaited when the block exits.
import asyncio

async def fetch(n, delay):
    print(f"fetch {n} start")
    await asyncio.sleep(delay)
    print(f"fetch {n} end at {asyncio.get_running_loop().time()}")
    return n * n

async def main():
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(fetch(1, 2))
        t2 = tg.create_task(fetch(2, 1))
        t3 = tg.create_task(fetch(3, 1.5), name="third")
        print("tasks created; none started:", t1.done(), t3.get_name())
        await asyncio.sleep(0)
        print("body continues after one yield")
    print("group exited at", asyncio.get_running_loop().time())
    print([t.result() for t in (t1, t2, t3)])
    async with asyncio.TaskGroup() as tg:
        print("empty group")
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch(i, 0)) for i in range(3)]
    print([t.result() for t in tasks])

asyncio.run(main())
