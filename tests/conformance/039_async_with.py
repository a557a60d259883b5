# async with: __aenter__/__aexit__, the value bound by as, exceptions, suppression.
import asyncio

class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    async def __aenter__(self):
        print(f"enter {self.name}")
        await asyncio.sleep(0.1)
        return f"handle-{self.name}"

    async def __aexit__(self, exc_type, exc, tb):
        await asyncio.sleep(0.1)
        label = exc_type.__name__ if exc_type is not None else None
        print(f"exit {self.name}: {label} {exc!r}")
        return self.suppress

async def main():
    async with Resource("a") as h:
        print("inside with", h)
    async with Resource("outer") as o:
        async with Resource("inner") as i:
            print("nested", o, i)
    try:
        async with Resource("b"):
            print("about to fail")
            raise ValueError("inside b")
    except ValueError as e:
        print("propagated:", e)
    async with Resource("c", suppress=True):
        raise KeyError("swallowed")
    print("after suppressed error")
    async def use(n):
        async with Resource(f"r{n}") as h:
            await asyncio.sleep(n * 0.05)
            return h
    print(await asyncio.gather(use(1), use(2)))
    print("time", round(asyncio.get_running_loop().time(), 6))

asyncio.run(main())
