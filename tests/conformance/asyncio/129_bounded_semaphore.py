# BoundedSemaphore refuses to be released more often than acquired.
import asyncio

async def main():
    bs = asyncio.BoundedSemaphore(2)
    await bs.acquire()
    bs.release()
    try:
        bs.release()
    except ValueError as e:
        print("ValueError:", e)
    async with bs:
        async with bs:
            print("both slots taken:", bs.locked())
            async def third():
                async with bs:
                    print("third entered at", asyncio.get_running_loop().time())
            t = asyncio.create_task(third())
            await asyncio.sleep(1.5)
            print("third waiting:", not t.done())
        await t
    print("all released:", bs.locked())

asyncio.run(main())
