import asyncio

async def tick():
    n = 0
    while True:
        await asyncio.sleep(30)
        n += 1
        print('tick', n)

asyncio.run(tick())
