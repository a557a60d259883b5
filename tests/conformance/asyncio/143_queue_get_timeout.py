# Timeouts around queue operations and event waits.
import asyncio

async def main():
    q = asyncio.Queue(maxsize=1)
    try:
        item = await asyncio.wait_for(q.get(), timeout=0.5)
    except TimeoutError:
        print("get timed out at", asyncio.get_running_loop().time(), "qsize", q.qsize())
    await q.put("first")
    try:
        await asyncio.wait_for(q.put("second"), timeout=1)
    except TimeoutError:
        print("put timed out at", asyncio.get_running_loop().time(), "qsize", q.qsize())
    print(await asyncio.wait_for(q.get(), timeout=1))
    async def delayed_put():
        await asyncio.sleep(0.25)
        await q.put("late but in time")
    asyncio.create_task(delayed_put())
    print(await asyncio.wait_for(q.get(), timeout=1), asyncio.get_running_loop().time())
    ev = asyncio.Event()
    try:
        async with asyncio.timeout(2):
            await ev.wait()
    except TimeoutError:
        print("event wait timed out at", asyncio.get_running_loop().time())

asyncio.run(main())
