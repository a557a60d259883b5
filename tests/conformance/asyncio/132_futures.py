# Futures: create_future, set_result/set_exception, callbacks, InvalidStateError.
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    print(fut.done(), fut.cancelled())
    try:
        fut.result()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    try:
        fut.exception()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    fut.add_done_callback(lambda f: print("callback sees", f.result()))
    loop.call_later(1, fut.set_result, "hello")
    print("awaited:", await fut, loop.time())
    print(fut.done(), fut.result(), fut.exception())
    try:
        fut.set_result("again")
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    f2 = loop.create_future()
    async def fail_later():
        await asyncio.sleep(0.5)
        f2.set_exception(ValueError("from the future"))
    asyncio.create_task(fail_later())
    try:
        await f2
    except ValueError as e:
        print("await raised", repr(e), "exception():", repr(f2.exception()))
    f3 = loop.create_future()
    print("cancel:", f3.cancel(), f3.cancelled(), f3.done(), f3.cancel())
    try:
        await f3
    except asyncio.CancelledError:
        print("awaiting a cancelled future raises CancelledError")
    f4 = loop.create_future()
    f4.set_result([1, 2])
    print("cancel a done future:", f4.cancel(), await f4)
    waiters = [loop.create_future() for _ in range(3)]
    async def resolve():
        for i, w in enumerate(reversed(waiters)):
            await asyncio.sleep(0.25)
            w.set_result(i)
    asyncio.create_task(resolve())
    print(await asyncio.gather(*waiters), loop.time())
    f5 = loop.create_future()
    f5.set_exception(KeyError("k"))
    print(f5.done(), repr(f5.exception()))
    try:
        f5.result()
    except KeyError as e:
        print("result() raised", repr(e))
    print(isinstance(asyncio.InvalidStateError(), Exception))

asyncio.run(main())
