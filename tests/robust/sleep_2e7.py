import asyncio

async def main():
    # 2e7 s: past 1.7e7 the loop's 1e-9 s clock resolution is lost to rounding
    await asyncio.sleep(2e7)
    print('woke')
    await asyncio.sleep(3e8)
    print('woke again at', asyncio.get_running_loop().time())

asyncio.run(main())
