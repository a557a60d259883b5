# The FIFOs behind queues and locks: waiters cancelled from the middle of the line, a queue
# printed with items and waiters, many items passing through a small queue in order.
import asyncio


async def getter(q, name, log):
    try:
        item = await q.get()
        log.append(f"{name} got {item}")
    except asyncio.CancelledError:
        log.append(f"{name} cancelled")
        raise


async def locker(lock, name, log):
    try:
        async with lock:
            log.append(f"{name} holds the lock")
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        log.append(f"{name} cancelled while waiting")
        raise


async def main():
    log = []
    q = asyncio.Queue()
    getters = [asyncio.create_task(getter(q, f"g{i}", log)) for i in range(5)]
    await asyncio.sleep(0)
    print(q)
    getters[2].cancel()
    getters[0].cancel()
    await asyncio.sleep(0)
    for item in "abc":
        q.put_nowait(item)
    await asyncio.gather(*getters, return_exceptions=True)
    print(log)

    q2 = asyncio.Queue(maxsize=3)
    for i in range(3):
        q2.put_nowait(i * 10)
    print(q2, q2.qsize(), q2.full())
    print([q2.get_nowait() for _ in range(3)], q2.empty())
    try:
        q2.get_nowait()
    except asyncio.QueueEmpty:
        print("empty")

    log.clear()
    lock = asyncio.Lock()
    lockers = [asyncio.create_task(locker(lock, f"l{i}", log)) for i in range(5)]
    await asyncio.sleep(0.05)
    lockers[3].cancel()
    lockers[1].cancel()
    await asyncio.gather(*lockers, return_exceptions=True)
    print(log)

    small = asyncio.Queue(maxsize=2)
    seen = []

    async def produce():
        for i in range(200):
            await small.put(i)
        await small.put(None)

    async def consume():
        while True:
            item = await small.get()
            if item is None:
                break
            seen.append(item)

    await asyncio.gather(produce(), consume())
    print(len(seen), seen == list(range(200)))

asyncio.run(main())
