# shield(): the inner task's own cancellation and errors reach the outer
# future; a shielded task survives a timeout around it; done inputs.
import asyncio

async def job(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
        if fail:
            raise ValueError(name)
        return name
    except asyncio.CancelledError:
        print(name, "job cancelled")
        raise

async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(job("inner-cancelled", 2))
    s = asyncio.shield(t)
    loop.call_later(1, t.cancel)
    try:
        await s
    except asyncio.CancelledError:
        print("outer cancelled because inner was:", s.cancelled(), t.cancelled())
    try:
        await asyncio.shield(job("fails", 0.5, fail=True))
    except ValueError as e:
        print("inner error through the shield:", repr(e))
    u = asyncio.create_task(job("survivor", 2))
    try:
        async with asyncio.timeout(1):
            await asyncio.shield(u)
    except TimeoutError:
        print("timeout; survivor still running:", not u.done())
    print(await u, loop.time())
    print("shield of a done task is the task:", asyncio.shield(u) is u)
    f = loop.create_future()
    shielded = asyncio.shield(f)
    print("shield of a pending future is new:", shielded is not f)
    shielded.cancel()
    f.set_result(1)
    await asyncio.sleep(0)
    print("f unaffected:", f.result(), shielded.cancelled())
    v = asyncio.create_task(job("twice", 1))
    a, b = asyncio.shield(v), asyncio.shield(v)
    a.cancel()
    print(await b, a.cancelled(), v.done())

asyncio.run(main())
