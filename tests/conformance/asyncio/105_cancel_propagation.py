# Cancelling a task that awaits another task cancels the inner one too.
import asyncio

async def inner():
    try:
        print("inner waiting")
        await asyncio.sleep(10)
    finally:
        print("inner finally")

async def outer(t):
    try:
        print("outer awaiting inner task")
        await t
    except asyncio.CancelledError:
        print("outer cancelled")
        raise
    finally:
        print("outer finally")

async def middle():
    try:
        return await inner()
    finally:
        print("middle finally")

async def main():
    it = asyncio.create_task(inner())
    ot = asyncio.create_task(outer(it))
    await asyncio.sleep(1)
    ot.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("outer cancelled:", ot.cancelled(), "inner cancelled:", it.cancelled())
    mt = asyncio.create_task(middle())
    await asyncio.sleep(1)
    mt.cancel()
    try:
        await mt
    except asyncio.CancelledError:
        print("middle task cancelled:", mt.cancelled())
    tasks = [asyncio.create_task(inner()) for _ in range(3)]
    await asyncio.sleep(0)
    for t in tasks:
        t.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print([type(r).__name__ for r in results])

asyncio.run(main())
