# Every task waits and no timer is pending: CPython would hang forever.
# loopviz stops, reports which task waits on what, and exits with status 1.
import asyncio

async def fetch(n, ready):
    print(f"fetch {n} waiting for the ready signal")
    await ready.wait()
    print("never printed")

async def main():
    ready = asyncio.Event()
    task = asyncio.create_task(fetch(1, ready))
    await asyncio.sleep(1)
    print("main awaits the task; nobody will ever set the event")
    await task

asyncio.run(main())
