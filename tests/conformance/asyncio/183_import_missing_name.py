# `from asyncio import X` where CPython's asyncio has no X: an ImportError a scenario can catch
# (the message's path differs, so only its start is printed), while the names asyncio has import.
import asyncio

try:
    from asyncio import sleeep
except ImportError as e:
    print(type(e).__name__, str(e).split(" (")[0])

try:
    from asyncio import Queue, no_such_thing
except ImportError as e:
    print(type(e).__name__, str(e).split(" (")[0])

from asyncio import sleep as nap, gather


async def main():
    await nap(0.5)
    print(await gather(nap(0.1, "a"), nap(0.2, "b")))


asyncio.run(main())
