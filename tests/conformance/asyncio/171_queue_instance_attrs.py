# Attributes set on a queue instance (methods, its fields, its _finished
# event) are what put/get/put_nowait/get_nowait/task_done then use, as in
# CPython, including waiters that are not futures.
import asyncio


class FakeWaiter:
    def __init__(self, name, done):
        self.name = name
        self._done = done

    def done(self):
        print("  done?", self.name, self._done)
        return self._done

    def set_result(self, value):
        print("  set_result", self.name, value)
        self._done = True


class LoudEvent:
    def clear(self):
        print("  LoudEvent.clear")

    def set(self):
        print("  LoudEvent.set")


async def main():
    q = asyncio.Queue(2)
    q.qsize = lambda: 5
    print("qsize shadowed: full", q.full())
    try:
        await q.put_nowait(1)
    except asyncio.QueueFull:
        print("QueueFull")
    del q.qsize
    q.full = lambda: False
    for i in range(4):
        await q.put(i)
    print("full shadowed:", str(q))
    del q.full
    q.empty = lambda: False
    q._get = lambda: "from _get"
    print(await q.get(), q.get_nowait(), str(q))
    del q.empty, q._get
    q._maxsize = 0
    q._put = lambda item: print("  _put", item)
    q._wakeup_next = lambda waiters: print("  _wakeup_next", len(waiters))
    q.put_nowait("lost")
    del q._put
    del q._wakeup_next
    print("after:", str(q))

    # fields changed: maxsize, the count of unfinished tasks, the deque itself
    q2 = asyncio.Queue()
    q2._maxsize = 1
    await q2.put("a")
    print("maxsize 1:", q2.full(), str(q2))
    q2._maxsize = 2.5
    await q2.put("b")
    print("maxsize 2.5:", q2.full(), q2.maxsize, str(q2))
    q2._unfinished_tasks = 0
    try:
        q2.task_done()
    except ValueError as e:
        print("ValueError:", e)
    q2._unfinished_tasks = "many"
    try:
        q2.put_nowait("c")
    except TypeError:
        print("TypeError from +=, queue now", list(q2._queue))
    q2._unfinished_tasks = 3
    q2._queue = []
    q2._maxsize = 0
    await q2.put("x")
    print("list queue:", q2.qsize(), q2.empty(), str(q2))
    try:
        await q2.get()
    except AttributeError:
        print("AttributeError: a list has no popleft")

    # the finished event replaced, or its methods shadowed
    q3 = asyncio.Queue()
    q3._finished = LoudEvent()
    await q3.put(1)
    await q3.get()
    q3.task_done()
    q4 = asyncio.Queue()
    q4._finished.clear = lambda: print("  clear shadowed")
    q4._finished.set = lambda: print("  set shadowed")
    await q4.put(1)
    q4.task_done()
    print("event:", q4._finished.is_set())
    del q4._finished.clear, q4._finished.set
    await q4.put(2)
    print("event:", q4._finished.is_set())
    q4.task_done()
    print("event:", q4._finished.is_set())

    # waiters that are not futures
    q5 = asyncio.Queue()
    q5._getters.append(FakeWaiter("w1", True))
    q5._getters.append(FakeWaiter("w2", False))
    q5._getters.append(FakeWaiter("w3", False))
    await q5.put("item")
    print("getters left:", len(q5._getters), str(q5))
    q5._putters.append(FakeWaiter("p1", False))
    print("got", await q5.get(), len(q5._putters))


asyncio.run(main())
