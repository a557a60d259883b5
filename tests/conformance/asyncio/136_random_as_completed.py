# as_completed over tasks with random delays (seeded): completion order.
import asyncio
import random

async def fetch(url):
    delay = random.randint(1, 5) + random.random()
    await asyncio.sleep(delay)
    return url, round(delay, 2)

async def main():
    random.seed(7)
    urls = [f"https://example.com/{p}" for p in ["a", "b", "c", "d", "e", "f"]]
    tasks = [asyncio.create_task(fetch(u)) for u in urls]
    for n, aw in enumerate(asyncio.as_completed(tasks), 1):
        url, delay = await aw
        print(f"{n}. {url} after {delay}s (t={asyncio.get_running_loop().time():.2f})")
    order = list(range(6))
    random.shuffle(order)
    print(order)

asyncio.run(main())
