import asyncio

async def down(n):
    await down(n + 1)

asyncio.run(down(0))
