# A queue class or queue changed after it was used: methods added to or
# removed from the class (or asyncio.Queue itself) and attributes set on the
# instance or its event take effect at the next call, as in CPython.
import asyncio


class Sub(asyncio.Queue):
    pass


def logged(name, fn):
    def wrapper(self, *args):
        result = fn(self, *args)
        print("   ", name, "->", result)
        return result
    return wrapper


async def use(q, label):
    await q.put(1)
    q.put_nowait(2)
    print(label, q.qsize(), q.full(), q.empty(), await q.get(), q.get_nowait(), str(q))
    q.task_done()
    q.task_done()


async def main():
    q = Sub(2)
    await use(q, "plain:")
    for name in ("qsize", "full", "empty", "put_nowait", "get_nowait", "_put", "_get"):
        setattr(Sub, name, logged(name, getattr(asyncio.Queue, name)))
        await use(q, f"Sub.{name}:")
        delattr(Sub, name)
        await use(q, "plain again:")
    original = asyncio.Queue._wakeup_next
    asyncio.Queue._wakeup_next = logged("_wakeup_next", original)
    other = asyncio.Queue()
    await use(other, "Queue._wakeup_next:")
    waiter = asyncio.create_task(other.get())
    await asyncio.sleep(0)
    other.put_nowait("woken")
    print(await waiter)
    other.task_done()
    asyncio.Queue._wakeup_next = original
    await use(other, "restored:")
    # the instance and its event changed between uses
    await use(q, "before:")
    q.full = lambda: True
    try:
        q.put_nowait(3)
    except asyncio.QueueFull:
        print("full by instance attribute")
    del q.full
    q._finished.set = lambda: print("    event set shadowed")
    await use(q, "event shadowed:")
    del q._finished.set
    q._finished._value = 0
    await use(q, "odd event value:")
    print("join done" if q._unfinished_tasks == 0 else "pending")
    await q.join()
    await use(q, "after join:")


asyncio.run(main())
