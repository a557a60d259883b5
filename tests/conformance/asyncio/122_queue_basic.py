# Queue basics: put/get, nowait variants, qsize/empty/full, QueueEmpty/QueueFull.
import asyncio

async def main():
    q = asyncio.Queue(maxsize=2)
    print(q.qsize(), q.empty(), q.full(), q.maxsize)
    q.put_nowait("a")
    await q.put("b")
    print(q.qsize(), q.empty(), q.full())
    try:
        q.put_nowait("c")
    except asyncio.QueueFull as e:
        print("QueueFull", repr(str(e)), type(e).__name__)
    print(q.get_nowait(), await q.get(), q.qsize())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        print("QueueEmpty", repr(str(e)), isinstance(e, Exception))
    unbounded = asyncio.Queue()
    for i in range(100):
        unbounded.put_nowait(i)
    print(unbounded.qsize(), unbounded.full(), unbounded.maxsize)
    total = 0
    while not unbounded.empty():
        total += unbounded.get_nowait()
    print(total)
    q2 = asyncio.Queue()
    async def later():
        await asyncio.sleep(2)
        print("putting at", asyncio.get_running_loop().time())
        await q2.put("delivered")
    t = asyncio.create_task(later())
    print("get blocks until put:", await q2.get(), asyncio.get_running_loop().time())
    await t
    full = asyncio.Queue(1)
    await full.put(1)
    async def taker():
        await asyncio.sleep(1)
        print("taking", full.get_nowait())
    t = asyncio.create_task(taker())
    await full.put(2)
    print("second put completed at", asyncio.get_running_loop().time(), full.qsize())
    await t

asyncio.run(main())
