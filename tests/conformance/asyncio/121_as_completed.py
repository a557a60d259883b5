# as_completed yields awaitables in completion order; timeout raises TimeoutError.
import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    print("  fetched", name)
    return name, delay

async def main():
    coros = [fetch("slow", 3), fetch("fast", 1), fetch("medium", 2), fetch("also fast", 1)]
    for i, aw in enumerate(asyncio.as_completed(coros)):
        result = await aw
        print(i, result, asyncio.get_running_loop().time())
    tasks = [asyncio.create_task(fetch(f"t{d}", d)) for d in (0.5, 2, 1.5)]
    try:
        for aw in asyncio.as_completed(tasks, timeout=1.6):
            print("got", await aw)
    except TimeoutError:
        print("as_completed timed out at", asyncio.get_running_loop().time())
    print([t.done() for t in tasks])
    await asyncio.sleep(1)
    print([t.done() for t in tasks])

asyncio.run(main())
