import asyncio

async def main():
    for second in range(1, 10):
        await asyncio.sleep(1)
        print('second', second)

asyncio.run(main())
