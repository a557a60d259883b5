import asyncio

async def main():
    print(max(map(abs, range(10**11))))
    print(all(range(1, 10**11)))

asyncio.run(main())
