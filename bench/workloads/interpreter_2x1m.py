import asyncio

async def crunch(name):
    total = 0
    for i in range(1000000):
        total += i * 2 % 7
        if i % 10000 == 0:
            await asyncio.sleep(0)
    print(name, total)

async def main():
    await asyncio.gather(crunch("a"), crunch("b"))

asyncio.run(main())
