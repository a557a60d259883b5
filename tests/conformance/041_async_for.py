# async for over a class implementing __aiter__/__anext__.
import asyncio

class Ticker:
    def __init__(self, count, delay):
        self.count = count
        self.delay = delay
        self.i = 0

    def __aiter__(self):
        print("aiter called")
        return self

    async def __anext__(self):
        if self.i >= self.count:
            print("raising StopAsyncIteration")
            raise StopAsyncIteration
        await asyncio.sleep(self.delay)
        self.i += 1
        return self.i * 10

async def consume(name, ticker):
    got = []
    async for v in ticker:
        print(f"{name} got {v} at {asyncio.get_running_loop().time():.2f}")
        got.append(v)
    else:
        print(f"{name} loop else")
    return got

async def main():
    print(await consume("solo", Ticker(3, 0.5)))
    print(await asyncio.gather(consume("fast", Ticker(3, 0.2)), consume("slow", Ticker(2, 0.5))))
    async for v in Ticker(10, 0.1):
        if v == 20:
            continue
        if v > 40:
            print("break at", v)
            break
        print("value", v)
    else:
        print("not printed")

asyncio.run(main())
