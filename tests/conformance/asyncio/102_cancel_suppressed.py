# A task may catch CancelledError and return normally: then it is not cancelled.
import asyncio

async def stubborn():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print("stubborn: ignoring the cancellation, cleaning up for 1s")
        await asyncio.sleep(1)
        print("stubborn: cleanup done")
        return "partial result"
    return "full result"

async def swallower():
    for i in range(3):
        try:
            await asyncio.sleep(1)
            print("swallower tick", i)
        except asyncio.CancelledError:
            print("swallower swallowed a cancel at", asyncio.get_running_loop().time())
    return "survived"

async def main():
    t = asyncio.create_task(stubborn())
    await asyncio.sleep(2)
    t.cancel()
    print("result:", await t, "| cancelled:", t.cancelled(), "| at", asyncio.get_running_loop().time())
    s = asyncio.create_task(swallower())
    await asyncio.sleep(0.5)
    s.cancel()
    await asyncio.sleep(1)
    s.cancel()
    print(await s, s.cancelled(), asyncio.get_running_loop().time())

asyncio.run(main())
