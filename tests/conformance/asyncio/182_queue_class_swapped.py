# A Queue whose class is swapped after the fast paths have seen it: the new class's put and get
# run from then on, and swapping back restores the plain ones.
import asyncio


class LoudQueue(asyncio.Queue):
    def put_nowait(self, item):
        print("loud put", item)
        super().put_nowait(item)

    async def get(self):
        item = await super().get()
        print("loud get", item)
        return item


async def main():
    q = asyncio.Queue()
    for i in range(3):
        await q.put(i)
    print(await q.get())
    q.__class__ = LoudQueue
    await q.put(10)
    print(await q.get(), q.qsize())
    q.__class__ = asyncio.Queue
    await q.put(20)
    while not q.empty():
        print(await q.get())


asyncio.run(main())
