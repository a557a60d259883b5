# Event: set, clear, is_set, wait; waiters wake in the order they waited.
import asyncio

async def waiter(name, event):
    print(name, "waiting")
    result = await event.wait()
    print(name, "woke with", result, "at", asyncio.get_running_loop().time())
    return name

async def main():
    ev = asyncio.Event()
    print("is_set:", ev.is_set())
    tasks = [asyncio.create_task(waiter(f"w{i}", ev)) for i in range(3)]
    await asyncio.sleep(1)
    print("setting")
    ev.set()
    print("is_set:", ev.is_set(), "tasks done yet?", [t.done() for t in tasks])
    print(await asyncio.gather(*tasks))
    print("wait on a set event:", await ev.wait())
    ev.clear()
    print("cleared, is_set:", ev.is_set())
    late = asyncio.create_task(waiter("late", ev))
    await asyncio.sleep(0.5)
    ev.set()
    ev.clear()
    await late
    print("late woke even though the event was cleared again:", ev.is_set())
    try:
        await asyncio.wait_for(ev.wait(), 2)
    except TimeoutError:
        print("wait timed out at", asyncio.get_running_loop().time())
    async def setter():
        await asyncio.sleep(3)
        ev.set()
    asyncio.create_task(setter())
    await ev.wait()
    print("set by another task at", asyncio.get_running_loop().time())

asyncio.run(main())
