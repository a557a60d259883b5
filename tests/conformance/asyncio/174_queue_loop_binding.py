# A queue binds to the running loop the first time it has to wait (so does
# a lock, an event, a semaphore); waiting on it under another loop is a
# RuntimeError, while operations that never wait keep working.
import asyncio

q = asyncio.Queue(1)
lock = asyncio.Lock()
event = asyncio.Event()


async def first():
    await q.put("a")  # no wait: nothing bound yet
    t = asyncio.create_task(q.put("b"))  # waits: binds the queue
    await asyncio.sleep(0)
    print("first:", str(q), await q.get())
    await t
    async with lock:
        waiter = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
    await waiter
    lock.release()
    w = asyncio.create_task(event.wait())
    await asyncio.sleep(0)
    event.set()
    await w
    event.clear()
    print("first done:", str(q), lock.locked(), event.is_set())


async def second():
    print("second:", q.get_nowait(), str(q))
    await q.put("c")  # room: no wait, no loop needed
    print("put without waiting:", str(q))
    try:
        await q.put("d")
    except RuntimeError as e:
        print("RuntimeError:", "bound to a different event loop" in str(e))
    print("after:", str(q))
    print(await q.get(), q.empty())
    try:
        await q.get()
    except RuntimeError as e:
        print("RuntimeError:", "bound to a different event loop" in str(e))
    async with lock:
        print("lock taken without waiting")
    try:
        await asyncio.wait_for(event.wait(), 1)
    except RuntimeError as e:
        print("event RuntimeError:", "bound to a different event loop" in str(e))
    fresh = asyncio.Queue()
    getter = asyncio.create_task(fresh.get())
    await asyncio.sleep(0)
    fresh.put_nowait("fresh")
    print(await getter, str(fresh))


asyncio.run(first())
asyncio.run(second())
