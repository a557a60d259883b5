# asyncio.timeout_at(when) with an absolute deadline on loop.time().
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(3)
    deadline = loop.time() + 2
    try:
        async with asyncio.timeout_at(deadline) as cm:
            print("deadline", cm.when())
            for i in range(10):
                await asyncio.sleep(0.75)
                print("tick", i, loop.time())
    except TimeoutError:
        print("deadline hit at", loop.time())
    async with asyncio.timeout_at(loop.time() + 1):
        await asyncio.sleep(0.999)
        print("made it at", loop.time())
    try:
        async with asyncio.timeout_at(loop.time() - 1):
            print("body runs even with a past deadline")
            await asyncio.sleep(0)
            print("not reached")
    except TimeoutError:
        print("past deadline raised at", loop.time())

asyncio.run(main())
