# Tasks sleeping for different times wake in deadline order; the clock jumps.
import asyncio

async def worker(name, delays):
    loop = asyncio.get_running_loop()
    for d in delays:
        print(f"{loop.time():6.2f} {name} sleeps {d}")
        await asyncio.sleep(d)
    print(f"{loop.time():6.2f} {name} done")
    return name

async def main():
    loop = asyncio.get_running_loop()
    print("start", loop.time())
    t1 = asyncio.create_task(worker("A", [1, 2, 0.5]))
    t2 = asyncio.create_task(worker("B", [0.5, 0.5, 3]))
    t3 = asyncio.create_task(worker("C", [2.5]))
    print("tasks created, none started yet")
    await asyncio.sleep(0)
    print("after one yield")
    r = [await t1, await t2, await t3]
    print(r, loop.time())
    await asyncio.sleep(100)
    print("after a long sleep", loop.time())

asyncio.run(main())
