# A get that times out inside wait_for, uncaught: the traceback ends in
# TimeoutError, raised from the CancelledError that cancelled the waiting get.
import asyncio


async def main():
    q = asyncio.Queue()
    await q.put("x")
    print(await asyncio.wait_for(q.get(), 1), str(q))
    await asyncio.wait_for(q.get(), 0.5)


asyncio.run(main())
