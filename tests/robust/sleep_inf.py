import asyncio

async def main():
    print('sleeping forever')
    await asyncio.sleep(float('inf'))

asyncio.run(main())
