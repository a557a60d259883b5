# Queue subclasses that override one method each: every override is called
# exactly where CPython's queues.py calls it, by put/get/put_nowait/get_nowait,
# full/qsize/empty, task_done/join, including when put and get wait.
import asyncio


def logging_subclass(cls_name, name):
    """A Queue subclass whose method name logs its result."""
    class Logged(asyncio.Queue):
        pass

    base = getattr(asyncio.Queue, name)

    def method(self, *args):
        result = base(self, *args)
        print("  ", name, "->", result)
        return result

    setattr(Logged, name, method)
    Logged.__name__ = cls_name
    return Logged


QSize = logging_subclass("QSize", "qsize")
Empty = logging_subclass("Empty", "empty")
Full = logging_subclass("Full", "full")
GetNowait = logging_subclass("GetNowait", "get_nowait")


class PutNowait(asyncio.Queue):
    def put_nowait(self, item):
        print("  put_nowait", item)
        return super().put_nowait(item)


class PutItem(asyncio.Queue):
    def _put(self, item):
        print("  _put", item)
        super()._put(item * 10)


class GetItem(asyncio.Queue):
    def _get(self):
        item = super()._get()
        print("  _get ->", item)
        return item + 1


class Init(asyncio.Queue):
    def _init(self, maxsize):
        print("  _init", maxsize)
        self._queue = []

    def _put(self, item):
        self._queue.insert(0, item)

    def _get(self):
        return self._queue.pop()


class Wakeup(asyncio.Queue):
    def _wakeup_next(self, waiters):
        print("  _wakeup_next of", len(waiters), "waiters")
        super()._wakeup_next(waiters)


class TaskDone(asyncio.Queue):
    def task_done(self):
        print("  task_done, unfinished", self._unfinished_tasks)
        super().task_done()


class Put(asyncio.Queue):
    async def put(self, item):
        print("  put", item)
        await super().put(item)
        print("  put done", item)


class Get(asyncio.Queue):
    async def get(self):
        item = await super().get()
        print("  get ->", item)
        return item


class Extra(asyncio.Queue):
    # an attribute of its own beside the usual ones
    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self.label = "extra"


async def consumer(q, name, n):
    for _ in range(n):
        item = await q.get()
        print(" ", name, "got", item)
        q.task_done()


async def exercise(cls):
    print(cls.__name__)
    q = cls(2)
    await q.put(1)
    q.put_nowait(2)
    print("  full:", q.full(), "qsize:", q.qsize(), "empty:", q.empty(), str(q))
    try:
        q.put_nowait(3)
    except asyncio.QueueFull:
        print("  QueueFull")
    # put waits for room; the consumer's gets wake it
    task = asyncio.create_task(consumer(q, "c", 4))
    await q.put(3)
    await q.put(4)
    print("  after puts:", str(q))
    await q.join()
    print("  joined:", str(q))
    await task
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("  QueueEmpty")
    # get waits for an item
    waiter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    print("  waiting:", str(q))
    q.put_nowait(5)
    print("  got", await waiter, str(q))
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        print("  ValueError:", e)


async def main():
    for cls in (asyncio.Queue, QSize, Empty, Full, PutNowait, GetNowait, PutItem, GetItem,
                Init, Wakeup, TaskDone, Put, Get, Extra):
        await exercise(cls)


asyncio.run(main())
