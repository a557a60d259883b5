# join() waits for task_done() of every item; task_done() too often raises.
import asyncio

async def main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    async def slow_worker():
        while not q.empty():
            item = await q.get()
            await asyncio.sleep(1)
            print("done with", item, "at", asyncio.get_running_loop().time())
            q.task_done()
    t = asyncio.create_task(slow_worker())
    print("joining at", asyncio.get_running_loop().time())
    await q.join()
    print("joined at", asyncio.get_running_loop().time())
    await t
    await q.join()
    print("join on an idle queue returns at once")
    try:
        q.task_done()
    except ValueError as e:
        print("ValueError:", e)
    q.put_nowait("x")
    joiners = [asyncio.create_task(q.join()) for _ in range(2)]
    await asyncio.sleep(1)
    print("joiners waiting:", [j.done() for j in joiners])
    q.get_nowait()
    q.task_done()
    await asyncio.sleep(0)
    print("joiners after task_done:", [j.done() for j in joiners])

asyncio.run(main())
