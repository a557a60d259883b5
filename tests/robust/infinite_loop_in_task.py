import asyncio

async def main():
    print('main starts')
    n = 0
    while True:
        n += 1

asyncio.run(main())
