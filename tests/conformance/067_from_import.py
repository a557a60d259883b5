# from asyncio import ...; async methods; catching BaseException.
from asyncio import run, sleep, gather, create_task
import time

class Counter:
    def __init__(self):
        self.value = 0

    async def bump(self, by, delay):
        await sleep(delay)
        self.value += by
        print(f"bump {by} -> {self.value} at {time.monotonic()}")
        return self.value

    async def bump_many(self, amounts):
        coros = [self.bump(a, 0.25 * (i + 1)) for i, a in enumerate(amounts)]
        return await gather(*coros)

async def failing():
    await sleep(0)
    raise RuntimeError("caught as BaseException")

async def main():
    c = Counter()
    t = create_task(c.bump(100, 1))
    print(await c.bump_many([1, 2, 3]))
    print(await t, c.value)
    try:
        await failing()
    except BaseException as e:
        print(type(e).__name__, e, isinstance(e, Exception), isinstance(e, BaseException))
    return c.value

print("run returned", run(main()))
