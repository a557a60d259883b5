# A get that times out inside wait_for, uncaught: the traceback ends in
# TimeoutError, raised from the CancelledError that cancelled the get.
import asyncio


async def consumer(q):
    item = await q.get()
    print("never", item)


async def main():
    q = asyncio.Queue()
    t = asyncio.create_task(consumer(q))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("consumer cancelled while waiting:", str(q))
    await q.put("x")
    print(await asyncio.wait_for(q.get(), 1), str(q))
    await asyncio.wait_for(q.get(), 0.5)


asyncio.run(main())
