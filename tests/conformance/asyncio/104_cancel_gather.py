# Cancellation and gather: a cancelled child, and a cancelled gather.
import asyncio

async def sleeper(name, delay):
    try:
        await asyncio.sleep(delay)
        print(name, "done")
        return name
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise

async def main():
    a = asyncio.create_task(sleeper("a", 1))
    b = asyncio.create_task(sleeper("b", 2))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0.5)
    b.cancel()
    try:
        print(await g)
    except asyncio.CancelledError:
        print("gather raised CancelledError; a.done():", a.done(), "b.cancelled():", b.cancelled())
    await asyncio.sleep(1)
    print("a finished anyway:", a.result())

    g2 = asyncio.gather(sleeper("c", 1), sleeper("d", 2))
    await asyncio.sleep(0.5)
    print("cancel the gather:", g2.cancel())
    try:
        await g2
    except asyncio.CancelledError:
        print("g2 cancelled:", g2.cancelled())

    c = asyncio.create_task(sleeper("e", 1))
    f = asyncio.create_task(sleeper("f", 2))
    g3 = asyncio.gather(c, f, return_exceptions=True)
    await asyncio.sleep(0.5)
    f.cancel()
    print("with return_exceptions:", await g3)

asyncio.run(main())
