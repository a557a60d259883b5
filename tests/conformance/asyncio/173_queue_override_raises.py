# Exceptions raised by overridden _put and _get pass out of put/get (and
# put_nowait/get_nowait) to the caller; the last one is not caught and ends
# the run with its traceback.
import asyncio


class Picky(asyncio.Queue):
    def _put(self, item):
        if item < 0:
            raise ValueError(f"negative item {item}")
        super()._put(item)

    def _get(self):
        item = super()._get()
        if item == 13:
            raise LookupError("no item today")
        return item


async def consumer(q):
    while True:
        print("got", await q.get())


async def main():
    q = Picky(3)
    await q.put(1)
    try:
        await q.put(-1)
    except ValueError as e:
        print("put:", e, str(q))
    try:
        q.put_nowait(-2)
    except ValueError as e:
        print("put_nowait:", e, str(q))
    q.put_nowait(13)
    print(await q.get())
    try:
        q.get_nowait()
    except LookupError as e:
        print("get_nowait:", e, str(q))
    task = asyncio.create_task(consumer(q))
    await asyncio.sleep(0)
    await q.put(2)
    await q.put(13)
    await asyncio.sleep(0)
    print("consumer:", task.done(), repr(task.exception()))
    await q.put(13)
    await q.get()


asyncio.run(main())
