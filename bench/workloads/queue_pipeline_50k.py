import asyncio

async def producer(q, n):
    for i in range(n):
        await q.put(i)
    for _ in range(4):
        await q.put(None)

async def consumer(q, out):
    total = 0
    while True:
        item = await q.get()
        if item is None:
            break
        total += item
    out.append(total)

async def main():
    q = asyncio.Queue(maxsize=100)
    out = []
    await asyncio.gather(producer(q, 50000), *(consumer(q, out) for _ in range(4)))
    print(sum(out))

asyncio.run(main())
