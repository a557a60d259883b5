# Event: a cancelled waiter leaves, set() wakes only those still waiting,
# wait() returns True, waiting on an event from several tasks with timeouts.
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()

    async def waiter(name, limit):
        try:
            async with asyncio.timeout(limit):
                print(name, "->", await ev.wait(), loop.time())
        except TimeoutError:
            print(name, "gave up at", loop.time())

    tasks = [asyncio.create_task(waiter(f"w{i}", i)) for i in (1, 2, 3, 4)]
    await asyncio.sleep(2.5)
    ev.set()
    await asyncio.gather(*tasks)
    ev.clear()
    t = asyncio.create_task(ev.wait())
    await asyncio.sleep(0)
    t.cancel()
    await asyncio.sleep(0)
    print("cancelled waiter:", t.cancelled())
    ev.set()
    print(ev.is_set(), await ev.wait())
    ev.set()
    print("set twice is fine:", ev.is_set())

asyncio.run(main())
