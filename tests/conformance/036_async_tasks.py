# create_task: when tasks start, awaiting tasks (twice), awaiting done tasks.
import asyncio

async def compute(name, x):
    print(f"{name}: step 1")
    await asyncio.sleep(0)
    print(f"{name}: step 2")
    await asyncio.sleep(0.5)
    print(f"{name}: done")
    return x * 2

async def main():
    t = asyncio.create_task(compute("T1", 21))
    print("task created")
    print("main does sync work first")
    value = await t
    print("value", value)
    print("awaited again", await t)
    u = asyncio.create_task(compute("T2", 1))
    v = asyncio.create_task(compute("T3", 2))
    await asyncio.sleep(0)
    print("main after one yield")
    await asyncio.sleep(0)
    print("main after two yields")
    print(await v, await u)
    direct = await compute("direct", 5)
    print("direct coroutine result", direct)
    tasks = [asyncio.create_task(compute(f"L{i}", i)) for i in range(3)]
    total = 0
    for task in tasks:
        total += await task
    print("total", total)

asyncio.run(main())
