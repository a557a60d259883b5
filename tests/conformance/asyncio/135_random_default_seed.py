# random without seed(): loopviz's fixed default seed (0) makes runs repeatable.
import asyncio
import random

async def worker(n):
    delay = random.uniform(0.1, 2.0)
    print(f"worker {n} sleeps {delay:.3f}")
    await asyncio.sleep(delay)
    print(f"worker {n} done at {asyncio.get_running_loop().time():.3f}")
    return round(delay, 3)

async def main():
    print(random.random())
    print(await asyncio.gather(*(worker(n) for n in range(5))))
    print(random.randint(1, 100), random.choice("abc"))

asyncio.run(main())
