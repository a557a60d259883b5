# Task state queries: done, cancelled, result, exception, before and after.
import asyncio

async def succeed():
    await asyncio.sleep(1)
    return "yes"

async def fail():
    await asyncio.sleep(1)
    raise ValueError("no")

async def main():
    s = asyncio.create_task(succeed())
    f = asyncio.create_task(fail())
    for label, t in [("succeed", s), ("fail", f)]:
        try:
            t.result()
        except asyncio.InvalidStateError as e:
            print(label, "pending result():", e)
        try:
            t.exception()
        except asyncio.InvalidStateError as e:
            print(label, "pending exception():", e)
    await asyncio.wait([s, f])
    print(s.done(), s.cancelled(), s.result(), s.exception())
    print(f.done(), f.cancelled(), repr(f.exception()))
    try:
        f.result()
    except ValueError as e:
        print("result() re-raises:", repr(e))
    print(await s)
    try:
        await f
    except ValueError as e:
        print("await re-raises:", e)

asyncio.run(main())
