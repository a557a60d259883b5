# Cancelled queue getters and putters leave the queue; the next waiter is woken.
import asyncio

async def getter(q, name):
    try:
        item = await q.get()
        print(name, "got", item, "at", asyncio.get_running_loop().time())
        return item
    except asyncio.CancelledError:
        print(name, "cancelled while waiting; queue now", q)
        raise

async def putter(q, name, item):
    try:
        await q.put(item)
        print(name, "put", item, "at", asyncio.get_running_loop().time())
    except asyncio.CancelledError:
        print(name, "cancelled before putting", item)
        raise

async def main():
    q = asyncio.Queue()
    getters = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    print(q)
    getters[0].cancel()
    await asyncio.sleep(0)
    print(q)
    q.put_nowait("one")
    q.put_nowait("two")
    print(q)
    await asyncio.sleep(0)
    print([t.cancelled() if t.done() else "pending" for t in getters], q)
    # a getter woken by put_nowait and cancelled before it runs hands the item on
    q2 = asyncio.Queue()
    a = asyncio.create_task(getter(q2, "a"))
    b = asyncio.create_task(getter(q2, "b"))
    await asyncio.sleep(0)
    q2.put_nowait("x")
    a.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("b done:", b.done(), "a cancelled:", a.cancelled(), q2)
    # bounded queue: putters wait in order; one is cancelled
    q3 = asyncio.Queue(1)
    q3.put_nowait(0)
    ps = [asyncio.create_task(putter(q3, f"p{i}", i + 1)) for i in range(3)]
    await asyncio.sleep(0)
    print(q3)
    ps[1].cancel()
    for _ in range(3):
        await asyncio.sleep(0.5)
        print("taking", q3.get_nowait(), "at", asyncio.get_running_loop().time())
        await asyncio.sleep(0)
    print(q3, [p.cancelled() for p in ps])
    print(q3.qsize(), q3.empty(), q3.full(), q3.maxsize)

asyncio.run(main())
