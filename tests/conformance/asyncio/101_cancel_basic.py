# cancel(): CancelledError raised at the await, except and finally run.
import asyncio

async def worker(name):
    try:
        print(f"{name} working")
        await asyncio.sleep(10)
        print(f"{name} finished (not expected)")
    except asyncio.CancelledError:
        print(f"{name} got CancelledError at {asyncio.get_running_loop().time()}")
        raise
    finally:
        print(f"{name} cleanup")

async def main():
    t = asyncio.create_task(worker("w1"))
    await asyncio.sleep(1)
    print("cancel returned", t.cancel())
    print("done right after cancel()?", t.done(), "cancelled?", t.cancelled())
    try:
        await t
    except asyncio.CancelledError:
        print("awaiting the task raised CancelledError")
    print("done", t.done(), "cancelled", t.cancelled())
    print("cancel again returns", t.cancel())
    try:
        t.result()
    except asyncio.CancelledError as e:
        print("result() raised", type(e).__name__)
    try:
        t.exception()
    except asyncio.CancelledError as e:
        print("exception() raised", type(e).__name__)
    print(isinstance(asyncio.CancelledError(), Exception), isinstance(asyncio.CancelledError(), BaseException))
    u = asyncio.create_task(worker("w2"))
    await asyncio.sleep(0)
    u.cancel()
    await asyncio.sleep(0)
    print("after one yield: done?", u.done())
    await asyncio.sleep(0)
    print("after two yields: done?", u.done(), u.cancelled())

asyncio.run(main())
