# A timeout around a gather: the children are cancelled when it expires.
import asyncio

async def download(name, size):
    got = 0
    try:
        while got < size:
            await asyncio.sleep(0.5)
            got += 1
            print(f"  {name}: {got}/{size}")
        return name
    except asyncio.CancelledError:
        print(f"  {name}: cancelled with {got}/{size}")
        raise

async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(1.6):
            print(await asyncio.gather(download("a", 2), download("b", 5)))
    except TimeoutError:
        print("batch 1 timed out at", loop.time())
    try:
        print(await asyncio.wait_for(asyncio.gather(download("c", 1), download("d", 2)), timeout=2))
    except TimeoutError:
        print("batch 2 timed out")
    print("batch 2 finished at", loop.time())
    try:
        await asyncio.wait_for(asyncio.gather(download("e", 3), download("f", 1), return_exceptions=True), 1.2)
    except TimeoutError:
        print("batch 3 timed out at", loop.time())

asyncio.run(main())
