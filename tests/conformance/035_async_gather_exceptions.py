# gather with return_exceptions=True, and the first exception propagating.
import asyncio

async def ok(name, delay):
    await asyncio.sleep(delay)
    print(f"{name} finished")
    return name

async def fail(name, delay, exc_type):
    await asyncio.sleep(delay)
    print(f"{name} raising")
    raise exc_type(f"{name} failed")

async def main():
    results = await asyncio.gather(
        ok("a", 1), fail("b", 0.5, ValueError), ok("c", 0.2), fail("d", 2, KeyError),
        return_exceptions=True,
    )
    print(results)
    for r in results:
        if isinstance(r, Exception):
            print("error:", type(r).__name__, r)
        else:
            print("value:", r)
    try:
        await asyncio.gather(ok("e", 1), fail("f", 0.5, RuntimeError), fail("g", 0.7, TypeError))
    except RuntimeError as e:
        print("gather raised:", repr(e), asyncio.get_running_loop().time())
    print("main continues; siblings keep running")
    await asyncio.sleep(1)
    print("after waiting", asyncio.get_running_loop().time())

asyncio.run(main())
