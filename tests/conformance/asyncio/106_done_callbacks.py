# add_done_callback / remove_done_callback: order, timing, arguments.
import asyncio

def make_cb(label):
    def cb(fut):
        print(f"callback {label}: done={fut.done()} cancelled={fut.cancelled()}", end="")
        if not fut.cancelled():
            print(f" result={fut.result()!r}" if fut.exception() is None else f" exception={fut.exception()!r}")
        else:
            print()
    return cb

async def work(x, fail=False):
    await asyncio.sleep(x)
    if fail:
        raise ValueError(f"bad {x}")
    return x * 10

async def main():
    t = asyncio.create_task(work(1))
    cb1, cb2, cb3 = make_cb("one"), make_cb("two"), make_cb("three")
    t.add_done_callback(cb1)
    t.add_done_callback(cb2)
    t.add_done_callback(cb3)
    t.add_done_callback(cb2)
    print("removed", t.remove_done_callback(cb2), "copies of cb2")
    print("removed", t.remove_done_callback(make_cb("never added")))
    print("awaited", await t)
    print("after await")
    await asyncio.sleep(0)
    print("after one more yield")
    t.add_done_callback(make_cb("late"))
    print("late callback added to a done task")
    await asyncio.sleep(0)
    f = asyncio.create_task(work(0.5, fail=True))
    f.add_done_callback(make_cb("failing"))
    c = asyncio.create_task(work(5))
    c.add_done_callback(make_cb("cancelled"))
    await asyncio.sleep(1)
    c.cancel()
    await asyncio.sleep(0)
    print("main done waiting", f.done(), c.done())
    await asyncio.sleep(0)
    try:
        await f
    except ValueError as e:
        print("f raised", e)

asyncio.run(main())
