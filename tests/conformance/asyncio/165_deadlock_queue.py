# A consumer waits on an empty queue that no one will fill, and main joins it:
# a deadlock. loopviz names each waiting task and what it waits on.
import asyncio

async def consumer(q):
    while True:
        item = await q.get()
        print("consumed", item)
        q.task_done()

async def main():
    q = asyncio.Queue()
    c = asyncio.create_task(consumer(q), name="consumer")
    await q.put("only item")
    await asyncio.sleep(1)
    q.put_nowait("second")
    q.put_nowait("third")
    q.get_nowait()
    print("main joins a queue with one item nobody will mark done")
    await q.join()

asyncio.run(main())
