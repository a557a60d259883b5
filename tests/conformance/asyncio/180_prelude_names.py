# asyncio's names however a program reaches them: attribute, from-import, getattr with a
# default, hasattr, a subclass of a class whose base the program never names, a name replaced
# or deleted before its first use, the module's __dict__, and a star import. (loopviz compiles
# the Python part of its asyncio on first use of each name; none of that may show.)
import asyncio
from asyncio import BoundedSemaphore, wait_for as wf

print(hasattr(asyncio, "Barrier"), hasattr(asyncio, "NoSuchThing"))
print(getattr(asyncio, "LifoQueue", None), getattr(asyncio, "NoSuchThing", "default"))
print(BoundedSemaphore.__mro__[1], BoundedSemaphore.__module__, wf.__name__)


class MyQueue(asyncio.PriorityQueue):
    pass


print(MyQueue.__mro__[1:3])
asyncio.Condition = "replaced before first use"
print(asyncio.Condition)
del asyncio.TaskGroup
try:
    asyncio.TaskGroup
except AttributeError as e:
    print("AttributeError:", e)
print("Queue" in asyncio.__dict__, "TaskGroup" in asyncio.__dict__, "shield" in asyncio.__dict__)


async def main():
    q = MyQueue()
    for n in (3, 1, 2):
        q.put_nowait(n)
    sem = BoundedSemaphore(2)
    async with sem:
        got = [await wf(q.get(), 1) for _ in range(3)]
    ev = asyncio.Event()
    asyncio.get_running_loop().call_later(0.5, ev.set)
    await ev.wait()
    return got


print(asyncio.run(main()))
from asyncio import *  # noqa: E402,F403

print(Semaphore.__module__, Timeout.__module__, shield.__name__, FIRST_COMPLETED)  # noqa: F405
