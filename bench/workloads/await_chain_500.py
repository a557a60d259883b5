import asyncio

async def link(depth, signal):
    if depth == 0:
        total = 0
        for _ in range(10000):
            await signal()
            total += 1
        return total
    return await link(depth - 1, signal)

async def main():
    async def tick():
        await asyncio.sleep(0)
    print(await link(500, tick))

asyncio.run(main())
