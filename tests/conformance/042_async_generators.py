# Async generators: async def with yield, consumed with async for, concurrently.
import asyncio

async def countdown(name, n, delay):
    print(f"{name}: starting")
    while n > 0:
        await asyncio.sleep(delay)
        yield f"{name}:{n}"
        n -= 1
    print(f"{name}: finished")

async def squares(source):
    async for item in source:
        yield item + "^2"

async def collect(agen):
    out = []
    async for x in agen:
        out.append(x)
    return out

async def main():
    async for item in countdown("a", 3, 0.5):
        print("got", item)
    print(await collect(squares(countdown("b", 2, 0.25))))
    results = await asyncio.gather(collect(countdown("fast", 3, 0.1)), collect(countdown("slow", 2, 0.25)))
    print(results)
    agen = countdown("manual", 2, 0)
    print(type(agen).__name__)
    async for x in agen:
        print("manual got", x)
    print("time", round(asyncio.get_running_loop().time(), 6))

asyncio.run(main())
