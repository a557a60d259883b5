# wait_for itself cancelled from outside: the inner task is cancelled too and
# CancelledError (not TimeoutError) propagates; results that race the timeout.
import asyncio

async def inner(name, delay):
    try:
        await asyncio.sleep(delay)
        return name
    except asyncio.CancelledError:
        print(name, "inner cancelled at", asyncio.get_running_loop().time())
        raise

async def outer():
    try:
        return await asyncio.wait_for(inner("deep", 10), timeout=5)
    except asyncio.CancelledError:
        print("outer: CancelledError, not TimeoutError")
        raise

async def main():
    loop = asyncio.get_running_loop()
    o = asyncio.create_task(outer())
    await asyncio.sleep(1)
    o.cancel()
    try:
        await o
    except asyncio.CancelledError:
        print("outer task cancelled:", o.cancelled(), loop.time())
    t = asyncio.create_task(inner("task", 3))
    w = asyncio.create_task(asyncio.wait_for(t, 5))
    await asyncio.sleep(1)
    w.cancel()
    await asyncio.gather(w, return_exceptions=True)
    print("the awaited task was cancelled with it:", t.cancelled())
    print(await asyncio.wait_for(inner("just in time", 0.999), 1), loop.time())
    fut = loop.create_future()
    loop.call_later(0.5, fut.set_result, "future value")
    print(await asyncio.wait_for(fut, 1), loop.time())
    fut2 = loop.create_future()
    try:
        await asyncio.wait_for(fut2, 0.25)
    except TimeoutError as e:
        print("future timed out; cancelled:", fut2.cancelled(), repr(e.__cause__))
    done = loop.create_future()
    done.set_result("already")
    print(await asyncio.wait_for(done, 0), await asyncio.wait_for(done, -1))
    failed = loop.create_future()
    failed.set_exception(KeyError("k"))
    try:
        await asyncio.wait_for(failed, 0)
    except KeyError as e:
        print("exception of a done future:", repr(e))
    async def raises_fast():
        await asyncio.sleep(0.1)
        raise OSError("io")
    try:
        await asyncio.wait_for(raises_fast(), 1)
    except OSError as e:
        print("inner error passes through:", e, loop.time())

asyncio.run(main())
