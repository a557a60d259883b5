# TaskGroup: the parent task cancelled from outside, errors in create_task,
# a child that fails while the body still runs, repr.
import asyncio

async def child(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
        if fail:
            raise ValueError(name)
        print(name, "done at", asyncio.get_running_loop().time())
        return name
    except asyncio.CancelledError:
        print(name, "cancelled at", asyncio.get_running_loop().time())
        raise

async def parent():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 1))
            tg.create_task(child("b", 5))
            await asyncio.sleep(3)
            print("body not reached")
    except asyncio.CancelledError:
        print("parent sees CancelledError at", asyncio.get_running_loop().time())
        raise

async def main():
    p = asyncio.create_task(parent())
    await asyncio.sleep(2)
    p.cancel()
    try:
        await p
    except asyncio.CancelledError:
        print("parent cancelled:", p.cancelled())
    tg = asyncio.TaskGroup()
    print(tg)
    coro = child("never", 0)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        print("RuntimeError:", e)
        coro.close()
    async with tg:
        t = tg.create_task(child("x", 0.5))
        print(tg)
    print(tg, t.result())
    coro = child("late", 0)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        print("RuntimeError:", e)
        coro.close()
    try:
        async with tg:
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("fails", 0.5, fail=True))
            g.create_task(child("sibling", 2))
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                print("body cancelled by the failing child at", asyncio.get_running_loop().time())
                print(g)
                raise
    except ExceptionGroup as eg:
        print("group:", repr(eg), eg.exceptions)
    print("end", asyncio.current_task().cancelling())

asyncio.run(main())
