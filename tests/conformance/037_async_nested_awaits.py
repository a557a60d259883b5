# Chains of awaited coroutines: values, exceptions and suspension points.
import asyncio

async def leaf(n):
    print("  " * n + f"leaf {n} start")
    await asyncio.sleep(0.1 * n)
    print("  " * n + f"leaf {n} end")
    return n

async def level(n):
    if n == 0:
        return await leaf(0)
    print("  " * n + f"level {n} before")
    below = await level(n - 1)
    mine = await leaf(n)
    print("  " * n + f"level {n} after: {below} + {mine}")
    return below + mine

async def no_suspend(x):
    return x + 1

async def chain(x):
    return await no_suspend(await no_suspend(x))

async def raiser(depth):
    if depth == 0:
        await asyncio.sleep(0)
        raise ValueError("deep failure")
    return await raiser(depth - 1)

async def background():
    for i in range(3):
        print("background tick", i)
        await asyncio.sleep(0)

async def main():
    t = asyncio.create_task(background())
    print("chain result", await chain(1))
    print("level result", await level(3))
    try:
        await raiser(4)
    except ValueError as e:
        print("caught", repr(e))
    await t
    print("time", round(asyncio.get_running_loop().time(), 6))

asyncio.run(main())
