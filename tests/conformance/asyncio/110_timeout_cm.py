# async with asyncio.timeout(delay): expiry, no expiry, None, nesting.
import asyncio

async def step(name, delay):
    try:
        await asyncio.sleep(delay)
        print(f"{name} completed at {asyncio.get_running_loop().time()}")
    except asyncio.CancelledError:
        print(f"{name} cancelled at {asyncio.get_running_loop().time()}")
        raise

async def main():
    try:
        async with asyncio.timeout(1):
            await step("a", 0.5)
            await step("b", 0.4)
            await step("c", 0.3)
        print("not reached")
    except TimeoutError:
        print("timeout caught outside at", asyncio.get_running_loop().time())
    async with asyncio.timeout(5):
        await step("d", 1)
    print("block finished within the timeout")
    async with asyncio.timeout(None) as cm:
        await step("e", 100)
        print("timeout(None) never expires; when() =", cm.when())
    try:
        async with asyncio.timeout(10):
            try:
                async with asyncio.timeout(1):
                    await step("inner", 2)
            except TimeoutError:
                print("inner timeout at", asyncio.get_running_loop().time())
            await step("between", 1)
            await step("outer", 20)
    except TimeoutError:
        print("outer timeout at", asyncio.get_running_loop().time())
    try:
        async with asyncio.timeout(0.5):
            try:
                await step("f", 1)
            finally:
                print("finally inside the timeout block")
    except TimeoutError as e:
        print("caught", type(e).__name__, "from", type(e.__cause__).__name__)

asyncio.run(main())
