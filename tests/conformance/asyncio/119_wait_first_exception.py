# asyncio.wait with FIRST_EXCEPTION.
import asyncio

async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise RuntimeError(f"{name} failed")
    print(name, "ok")
    return name

async def main():
    tasks = [
        asyncio.create_task(job("a", 1)),
        asyncio.create_task(job("b", 2, fail=True)),
        asyncio.create_task(job("c", 3)),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print("returned at", asyncio.get_running_loop().time(), len(done), len(pending))
    for t in tasks:
        state = "pending" if t in pending else ("error " + str(t.exception()) if t.exception() else "ok " + t.result())
        print(" ", state)
    done, pending = await asyncio.wait(pending)
    print("rest finished at", asyncio.get_running_loop().time())
    tasks = [asyncio.create_task(job(n, 0.5)) for n in "xy"]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print("no exception: all done", len(done), len(pending))

asyncio.run(main())
