import asyncio

async def main():
    print('going to sleep')
    await asyncio.sleep(1e308)
    print('woke up')

asyncio.run(main())
