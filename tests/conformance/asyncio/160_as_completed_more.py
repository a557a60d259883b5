# as_completed: an error surfaces at its await, the rest keep coming,
# duplicates count once, futures mixed with coroutines, zero timeout.
import asyncio

async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise RuntimeError(f"{name} failed")
    return name

async def main():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(job(n, d, f)) for n, d, f in [("a", 1, False), ("b", 0.5, True), ("c", 1.5, False)]]
    for aw in asyncio.as_completed(tasks):
        try:
            print("result", await aw, loop.time())
        except RuntimeError as e:
            print("error", e, loop.time())
    t = asyncio.create_task(job("dup", 0.5))
    results = [await aw for aw in asyncio.as_completed([t, t, t])]
    print("duplicates:", results)
    fut = loop.create_future()
    loop.call_later(0.25, fut.set_result, "future")
    for aw in asyncio.as_completed([fut, job("coro", 0.5)]):
        print("mixed", await aw, loop.time())
    print("empty:", list(asyncio.as_completed([])))
    slow = asyncio.create_task(job("slow", 1))
    its = list(asyncio.as_completed([slow], timeout=0))
    try:
        await its[0]
    except TimeoutError:
        print("timeout 0:", loop.time(), slow.done())
    print(await slow)
    try:
        for aw in asyncio.as_completed(slow):
            pass
    except TypeError as e:
        print("TypeError:", e)

asyncio.run(main())
