import asyncio

async def worker(i):
    await asyncio.sleep(i % 1000 / 1000)
    await asyncio.sleep(0)
    return i

async def main():
    results = await asyncio.gather(*(worker(i) for i in range(100000)))
    print(len(results), sum(results))

asyncio.run(main())
