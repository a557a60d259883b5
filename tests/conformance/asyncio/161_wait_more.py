# asyncio.wait: argument errors, plain futures, a done input, FIRST_EXCEPTION
# with a cancelled task, the caller cancelled while waiting.
import asyncio

async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    return name

async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(job("t", 0.5))
    for bad in (t, [t], []):
        try:
            await asyncio.wait(bad, return_when="SOMETIMES" if bad == [t] else asyncio.ALL_COMPLETED)
        except (TypeError, ValueError) as e:
            print(type(e).__name__ + ":", e)
    coro = job("c", 1)
    try:
        await asyncio.wait([coro])
    except TypeError as e:
        print("TypeError:", e)
        coro.close()
    f1, f2 = loop.create_future(), loop.create_future()
    loop.call_later(1, f2.set_result, 2)
    done, pending = await asyncio.wait([f1, f2], return_when=asyncio.FIRST_COMPLETED)
    print(done == {f2}, pending == {f1}, loop.time())
    f1.set_result(1)
    done, pending = await asyncio.wait({f1, f2})
    print(len(done), len(pending), loop.time())
    c = asyncio.create_task(job("cancelled", 5))
    e = asyncio.create_task(job("error", 2, fail=True))
    loop.call_later(1, c.cancel)
    done, pending = await asyncio.wait([c, e], return_when=asyncio.FIRST_EXCEPTION)
    print("a cancellation is not an exception:", c in done, e in done, loop.time())
    print(repr(e.exception()))
    w = asyncio.create_task(job("w", 10))
    waiter = asyncio.create_task(asyncio.wait([w]))
    await asyncio.sleep(1)
    waiter.cancel()
    try:
        await waiter
    except asyncio.CancelledError:
        print("waiting cancelled; the awaited task is not:", w.cancelled(), w.done())
    w.cancel()
    done, pending = await asyncio.wait([w], timeout=0)
    print("timeout 0 returns at once:", len(done), len(pending))
    await asyncio.sleep(0)
    print(w.cancelled())

asyncio.run(main())
