# Cancelling a task before it runs: its coroutine never starts.
import asyncio

async def never_starts():
    print("this line never prints")
    return 1

async def quick():
    print("quick runs")
    return 2

async def main():
    t = asyncio.create_task(never_starts())
    q = asyncio.create_task(quick())
    print("cancel:", t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled before start:", t.cancelled())
    print(await q)
    print("cancel a done task:", q.cancel(), q.cancelled(), q.result())

asyncio.run(main())
