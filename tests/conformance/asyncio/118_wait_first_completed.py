# asyncio.wait with FIRST_COMPLETED: race, then cancel the rest.
import asyncio

async def racer(name, delay):
    try:
        await asyncio.sleep(delay)
        return name
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise

async def main():
    tasks = [asyncio.create_task(racer(n, d)) for n, d in [("tortoise", 5), ("hare", 2), ("snail", 9)]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("winner:", [t.result() for t in done], "still running:", len(pending), asyncio.get_running_loop().time())
    for t in tasks:
        if t in pending:
            t.cancel()
    await asyncio.wait(pending)
    print([t.cancelled() for t in tasks])
    a = asyncio.create_task(racer("tie1", 1))
    b = asyncio.create_task(racer("tie2", 1))
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    print("tie:", sorted(t.result() for t in done), len(pending))

asyncio.run(main())
