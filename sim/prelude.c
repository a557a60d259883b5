/* prelude: the asyncio prelude source. See prelude.h.
 *
 * The Python text is written one C string literal per line. ISO C promises
 * string literals of 4095 characters only (-Wpedantic holds us to it), so the
 * lines are grouped into parts of at most 4000 characters. Each part is a
 * char array without its terminating NUL, and the parts are the members of
 * one struct, back to back: the struct's bytes are the whole text. Keep each
 * part under the limit when editing; the static assertion below checks that
 * no padding slipped in between them.
 *
 * Each top-level class and function definition is compiled and run on its
 * first use (loop.c, run_prelude), the rest of the text at import: what a
 * definition needs set goes in its own body (a class's __module__), not in
 * top-level code after it, which would run it at import. */
#include "prelude.h"

/* part 1: BrokenBarrierError, isfuture, iscoroutine */
#define PRELUDE_PART_1 \
  "# The asyncio prelude: queues, locks, timeouts, task groups and the waiting\n" \
  "# helpers, written over the native Future, Task and loop, following the\n" \
  "# algorithms of CPython 3.11 (the order in which futures are resolved and\n" \
  "# callbacks scheduled is what decides the order of a program's prints).\n" \
  "# A future a primitive waits on carries _loopviz_what, the name of the wait,\n" \
  "# for the deadlock report.\n" \
  "\n" \
  "FIRST_COMPLETED = 'FIRST_COMPLETED'\n" \
  "FIRST_EXCEPTION = 'FIRST_EXCEPTION'\n" \
  "ALL_COMPLETED = 'ALL_COMPLETED'\n" \
  "\n" \
  "\n" \
  "class BrokenBarrierError(RuntimeError):\n" \
  "    __module__ = 'asyncio.exceptions'\n" \
  "\n" \
  "\n" \
  "\n" \
  "\n" \
  "\n" \
  "def isfuture(obj):\n" \
  "    return isinstance(obj, Future)\n" \
  "\n" \
  "\n" \
  "def iscoroutine(obj):\n" \
  "    t = type(obj)\n" \
  "    return t.__name__ == 'coroutine' and t.__module__ == 'builtins'\n" \
  "\n" \
  "\n" \
  "def _running_loop():\n" \
  "    try:\n" \
  "        return get_running_loop()\n" \
  "    except RuntimeError:\n" \
  "        return None\n" \
  "\n" \
  "\n" \
  "def _new_waiter(loop, what):\n" \
  "    fut = loop.create_future()\n" \
  "    try:\n" \
  "        fut._loopviz_what = what\n" \
  "    except AttributeError:\n" \
  "        pass\n" \
  "    return fut\n" \
  "\n" \
  "\n" \
  "def _unique(items):\n" \
  "    # set(items) as CPython does, but in a stable order\n" \
  "    seen = {}\n" \
  "    for x in items:\n" \
  "        seen[x] = None\n" \
  "    return list(seen)\n" \
  "\n" \
  "\n" \
  "def _obj_repr(obj, extra):\n" \
  "    cls = type(obj)\n" \
  "    return f'<{cls.__module__}.{cls.__qualname__} object at {id(obj):#x} [{extra}]>'\n" \
  "\n" \
  "\n" \
  "# _Deque, the FIFO of waiters and queue items, is native (sim/deque.c)\n" \
  "\n" \
  "\n" \
  "def _heappush(heap, item):\n" \
  "    heap.append(item)\n" \
  "    _sift_towards_root(heap, 0, len(heap) - 1)\n" \
  "\n" \
  "\n" \
  "def _heappop(heap):\n" \
  "    last = heap.pop()\n" \
  "    if not heap:\n" \
  "        return last\n" \
  "    top = heap[0]\n" \
  "    heap[0] = last\n" \
  "    _sift_towards_leaves(heap, 0)\n" \
  "    return top\n" \
  "\n" \
  "\n" \
  "def _sift_towards_root(heap, start, pos):\n" \
  "    item = heap[pos]\n" \
  "    while pos > start:\n" \
  "        parent = (pos - 1) >> 1\n" \
  "        if item < heap[parent]:\n" \
  "            heap[pos] = heap[parent]\n" \
  "            pos = parent\n" \
  "        else:\n" \
  "            break\n" \
  "    heap[pos] = item\n" \
  "\n" \
  "\n" \
  "def _sift_towards_leaves(heap, pos):\n" \
  "    # heapq's variant: move the smaller child up all the way to a leaf,\n" \
  "    # then bubble the item back up (fewer comparisons, same results)\n" \
  "    end = len(heap)\n" \
  "    start = pos\n" \
  "    item = heap[pos]\n" \
  "    child = 2 * pos + 1\n" \
  "    while child < end:\n" \
  "        right = child + 1\n" \
  "        if right < end and not heap[child] < heap[right]:\n" \
  "            child = right\n" \
  "        heap[pos] = heap[child]\n" \
  "        pos = child\n" \
  "        child = 2 * pos + 1\n" \
  "    heap[pos] = item\n" \
  "    _sift_towards_root(heap, start, pos)\n" \
  "\n" \
  "\n" \
  "# ---------------------------------------------------------------- locks\n" \
  "\n"

/* part 2: Lock, Event */
#define PRELUDE_PART_2 \
  "class _LoopBoundMixin:\n" \
  "    _loop = None\n" \
  "\n" \
  "    def _get_loop(self):\n" \
  "        loop = _running_loop()\n" \
  "        if self._loop is None:\n" \
  "            self._loop = loop\n" \
  "        if loop is not self._loop:\n" \
  "            raise RuntimeError(f'{self!r} is bound to a different event loop')\n" \
  "        return loop\n" \
  "\n" \
  "\n" \
  "class _ContextManagerMixin(_LoopBoundMixin):\n" \
  "\n" \
  "    async def __aenter__(self):\n" \
  "        await self.acquire()\n" \
  "        return None\n" \
  "\n" \
  "    async def __aexit__(self, exc_type, exc, tb):\n" \
  "        self.release()\n" \
  "\n" \
  "\n" \
  "class Lock(_ContextManagerMixin):\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self):\n" \
  "        self._waiters = None\n" \
  "        self._locked = False\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        extra = 'locked' if self._locked else 'unlocked'\n" \
  "        if self._waiters:\n" \
  "            extra = f'{extra}, waiters:{len(self._waiters)}'\n" \
  "        return _obj_repr(self, extra)\n" \
  "\n" \
  "    def locked(self):\n" \
  "        return self._locked\n" \
  "\n" \
  "    async def acquire(self):\n" \
  "        if not self._locked and (self._waiters is None or\n" \
  "                                 all(w.cancelled() for w in self._waiters)):\n" \
  "            self._locked = True\n" \
  "            return True\n" \
  "        if self._waiters is None:\n" \
  "            self._waiters = _Deque()\n" \
  "        fut = _new_waiter(self._get_loop(), 'Lock.acquire()')\n" \
  "        self._waiters.append(fut)\n" \
  "        try:\n" \
  "            try:\n" \
  "                await fut\n" \
  "            finally:\n" \
  "                self._waiters.remove(fut)\n" \
  "        except CancelledError:\n" \
  "            if not self._locked:\n" \
  "                self._wake_up_first()\n" \
  "            raise\n" \
  "        self._locked = True\n" \
  "        return True\n" \
  "\n" \
  "    def release(self):\n" \
  "        if self._locked:\n" \
  "            self._locked = False\n" \
  "            self._wake_up_first()\n" \
  "        else:\n" \
  "            raise RuntimeError('Lock is not acquired.')\n" \
  "\n" \
  "    def _wake_up_first(self):\n" \
  "        if not self._waiters:\n" \
  "            return\n" \
  "        fut = self._waiters.first()\n" \
  "        if not fut.done():\n" \
  "            fut.set_result(True)\n" \
  "\n" \
  "\n" \
  "class Event(_LoopBoundMixin):\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self):\n" \
  "        self._waiters = _Deque()\n" \
  "        self._value = False\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        extra = 'set' if self._value else 'unset'\n" \
  "        if self._waiters:\n" \
  "            extra = f'{extra}, waiters:{len(self._waiters)}'\n" \
  "        return _obj_repr(self, extra)\n" \
  "\n" \
  "    def is_set(self):\n" \
  "        return self._value\n" \
  "\n" \
  "    def set(self):\n" \
  "        if not self._value:\n" \
  "            self._value = True\n" \
  "            for fut in self._waiters:\n" \
  "                if not fut.done():\n" \
  "                    fut.set_result(True)\n" \
  "\n" \
  "    def clear(self):\n" \
  "        self._value = False\n" \
  "\n" \
  "    async def wait(self):\n" \
  "        return await self._wait('Event.wait()')\n" \
  "\n" \
  "    async def _wait(self, what):\n" \
  "        if self._value:\n" \
  "            return True\n" \
  "        fut = _new_waiter(self._get_loop(), what)\n" \
  "        self._waiters.append(fut)\n" \
  "        try:\n" \
  "            await fut\n" \
  "            return True\n" \
  "        finally:\n" \
  "            self._waiters.remove(fut)\n" \
  "\n" \
  "\n"

/* part 3: Condition, Semaphore, BoundedSemaphore */
#define PRELUDE_PART_3 \
  "class Condition(_ContextManagerMixin):\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self, lock=None):\n" \
  "        if lock is None:\n" \
  "            lock = Lock()\n" \
  "        self._lock = lock\n" \
  "        self.locked = lock.locked\n" \
  "        self.acquire = lock.acquire\n" \
  "        self.release = lock.release\n" \
  "        self._waiters = _Deque()\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        extra = 'locked' if self.locked() else 'unlocked'\n" \
  "        if self._waiters:\n" \
  "            extra = f'{extra}, waiters:{len(self._waiters)}'\n" \
  "        return _obj_repr(self, extra)\n" \
  "\n" \
  "    async def wait(self):\n" \
  "        if not self.locked():\n" \
  "            raise RuntimeError('cannot wait on un-acquired lock')\n" \
  "        self.release()\n" \
  "        try:\n" \
  "            fut = _new_waiter(self._get_loop(), 'Condition.wait()')\n" \
  "            self._waiters.append(fut)\n" \
  "            try:\n" \
  "                await fut\n" \
  "                return True\n" \
  "            finally:\n" \
  "                self._waiters.remove(fut)\n" \
  "        finally:\n" \
  "            # the lock is taken back even when the wait was cancelled\n" \
  "            cancelled = False\n" \
  "            while True:\n" \
  "                try:\n" \
  "                    await self.acquire()\n" \
  "                    break\n" \
  "                except CancelledError:\n" \
  "                    cancelled = True\n" \
  "            if cancelled:\n" \
  "                raise CancelledError\n" \
  "\n" \
  "    async def wait_for(self, predicate):\n" \
  "        result = predicate()\n" \
  "        while not result:\n" \
  "            await self.wait()\n" \
  "            result = predicate()\n" \
  "        return result\n" \
  "\n" \
  "    def notify(self, n=1):\n" \
  "        if not self.locked():\n" \
  "            raise RuntimeError('cannot notify on un-acquired lock')\n" \
  "        idx = 0\n" \
  "        for fut in self._waiters:\n" \
  "            if idx >= n:\n" \
  "                break\n" \
  "            if not fut.done():\n" \
  "                idx += 1\n" \
  "                fut.set_result(False)\n" \
  "\n" \
  "    def notify_all(self):\n" \
  "        self.notify(len(self._waiters))\n" \
  "\n" \
  "\n" \
  "class Semaphore(_ContextManagerMixin):\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self, value=1):\n" \
  "        if value < 0:\n" \
  "            raise ValueError('Semaphore initial value must be >= 0')\n" \
  "        self._waiters = None\n" \
  "        self._value = value\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        extra = 'locked' if self.locked() else f'unlocked, value:{self._value}'\n" \
  "        if self._waiters:\n" \
  "            extra = f'{extra}, waiters:{len(self._waiters)}'\n" \
  "        return _obj_repr(self, extra)\n" \
  "\n" \
  "    def locked(self):\n" \
  "        return self._value == 0 or any(not w.cancelled() for w in (self._waiters or ()))\n" \
  "\n" \
  "    async def acquire(self):\n" \
  "        if not self.locked():\n" \
  "            self._value -= 1\n" \
  "            return True\n" \
  "        if self._waiters is None:\n" \
  "            self._waiters = _Deque()\n" \
  "        fut = _new_waiter(self._get_loop(), f'{type(self).__name__}.acquire()')\n" \
  "        self._waiters.append(fut)\n" \
  "        try:\n" \
  "            try:\n" \
  "                await fut\n" \
  "            finally:\n" \
  "                self._waiters.remove(fut)\n" \
  "        except CancelledError:\n" \
  "            if not fut.cancelled():\n" \
  "                # woken, then cancelled: hand the slot to the next waiter\n" \
  "                self._value += 1\n" \
  "                self._wake_up_next()\n" \
  "            raise\n" \
  "        if self._value > 0:\n" \
  "            self._wake_up_next()\n" \
  "        return True\n" \
  "\n" \
  "    def release(self):\n" \
  "        self._value += 1\n" \
  "        self._wake_up_next()\n" \
  "\n" \
  "    def _wake_up_next(self):\n" \
  "        if not self._waiters:\n" \
  "            return\n" \
  "        for fut in self._waiters:\n" \
  "            if not fut.done():\n" \
  "                self._value -= 1\n" \
  "                fut.set_result(True)\n" \
  "                return\n" \
  "\n" \
  "\n" \
  "class BoundedSemaphore(Semaphore):\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self, value=1):\n" \
  "        self._bound_value = value\n" \
  "        super().__init__(value)\n" \
  "\n" \
  "    def release(self):\n" \
  "        if self._value >= self._bound_value:\n" \
  "            raise ValueError('BoundedSemaphore released too many times')\n" \
  "        super().release()\n" \
  "\n" \
  "\n"

/* part 4: Barrier */
#define PRELUDE_PART_4 \
  "class Barrier(_LoopBoundMixin):\n" \
  "    # states: 'filling', 'draining', 'resetting', 'broken'\n" \
  "    __module__ = 'asyncio.locks'\n" \
  "    def __init__(self, parties):\n" \
  "        if parties < 1:\n" \
  "            raise ValueError('parties must be > 0')\n" \
  "        self._cond = Condition()\n" \
  "        self._parties = parties\n" \
  "        self._state = 'filling'\n" \
  "        self._count = 0\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        extra = self._state\n" \
  "        if not self.broken:\n" \
  "            extra += f', waiters:{self.n_waiting}/{self.parties}'\n" \
  "        return _obj_repr(self, extra)\n" \
  "\n" \
  "    async def __aenter__(self):\n" \
  "        return await self.wait()\n" \
  "\n" \
  "    async def __aexit__(self, *args):\n" \
  "        pass\n" \
  "\n" \
  "    async def wait(self):\n" \
  "        async with self._cond:\n" \
  "            await self._block()\n" \
  "            try:\n" \
  "                index = self._count\n" \
  "                self._count += 1\n" \
  "                if index + 1 == self._parties:\n" \
  "                    await self._release()\n" \
  "                else:\n" \
  "                    await self._wait()\n" \
  "                return index\n" \
  "            finally:\n" \
  "                self._count -= 1\n" \
  "                self._exit()\n" \
  "\n" \
  "    async def _block(self):\n" \
  "        # wait while the barrier drains or resets\n" \
  "        await self._cond.wait_for(lambda: self._state not in ('draining', 'resetting'))\n" \
  "        if self._state == 'broken':\n" \
  "            raise BrokenBarrierError('Barrier aborted')\n" \
  "\n" \
  "    async def _release(self):\n" \
  "        self._state = 'draining'\n" \
  "        self._cond.notify_all()\n" \
  "\n" \
  "    async def _wait(self):\n" \
  "        await self._cond.wait_for(lambda: self._state != 'filling')\n" \
  "        if self._state in ('broken', 'resetting'):\n" \
  "            raise BrokenBarrierError('Abort or reset of barrier')\n" \
  "\n" \
  "    def _exit(self):\n" \
  "        if self._count == 0:\n" \
  "            if self._state in ('resetting', 'draining'):\n" \
  "                self._state = 'filling'\n" \
  "            self._cond.notify_all()\n" \
  "\n" \
  "    async def reset(self):\n" \
  "        async with self._cond:\n" \
  "            if self._count > 0:\n" \
  "                if self._state != 'resetting':\n" \
  "                    self._state = 'resetting'\n" \
  "            else:\n" \
  "                self._state = 'filling'\n" \
  "            self._cond.notify_all()\n" \
  "\n" \
  "    async def abort(self):\n" \
  "        async with self._cond:\n" \
  "            self._state = 'broken'\n" \
  "            self._cond.notify_all()\n" \
  "\n" \
  "    @property\n" \
  "    def parties(self):\n" \
  "        return self._parties\n" \
  "\n" \
  "    @property\n" \
  "    def n_waiting(self):\n" \
  "        if self._state == 'filling':\n" \
  "            return self._count\n" \
  "        return 0\n" \
  "\n" \
  "    @property\n" \
  "    def broken(self):\n" \
  "        return self._state == 'broken'\n" \
  "\n" \
  "\n" \
  "# ---------------------------------------------------------------- queues\n" \
  "# sim/queue.c runs Queue's methods and Event's set/clear/is_set natively\n" \
  "# when nothing overrides them: a change here is a change there too.\n" \
  "\n"

/* part 5: Queue, PriorityQueue, LifoQueue */
#define PRELUDE_PART_5 \
  "class Queue(_LoopBoundMixin):\n" \
  "    __module__ = 'asyncio.queues'\n" \
  "    def __init__(self, maxsize=0):\n" \
  "        self._maxsize = maxsize\n" \
  "        self._getters = _Deque()\n" \
  "        self._putters = _Deque()\n" \
  "        self._unfinished_tasks = 0\n" \
  "        self._finished = Event()\n" \
  "        self._finished.set()\n" \
  "        self._init(maxsize)\n" \
  "\n" \
  "    def _init(self, maxsize):\n" \
  "        self._queue = _Deque()\n" \
  "\n" \
  "    def _get(self):\n" \
  "        return self._queue.popleft()\n" \
  "\n" \
  "    def _put(self, item):\n" \
  "        self._queue.append(item)\n" \
  "\n" \
  "    def _wakeup_next(self, waiters):\n" \
  "        while waiters:\n" \
  "            waiter = waiters.popleft()\n" \
  "            if not waiter.done():\n" \
  "                waiter.set_result(None)\n" \
  "                break\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        return f'<{type(self).__name__} at {id(self):#x} {self._format()}>'\n" \
  "\n" \
  "    def __str__(self):\n" \
  "        return f'<{type(self).__name__} {self._format()}>'\n" \
  "\n" \
  "    def _format(self):\n" \
  "        result = f'maxsize={self._maxsize!r}'\n" \
  "        if getattr(self, '_queue', None):\n" \
  "            result += f' _queue={list(self._queue)!r}'\n" \
  "        if self._getters:\n" \
  "            result += f' _getters[{len(self._getters)}]'\n" \
  "        if self._putters:\n" \
  "            result += f' _putters[{len(self._putters)}]'\n" \
  "        if self._unfinished_tasks:\n" \
  "            result += f' tasks={self._unfinished_tasks}'\n" \
  "        return result\n" \
  "\n" \
  "    def qsize(self):\n" \
  "        return len(self._queue)\n" \
  "\n" \
  "    @property\n" \
  "    def maxsize(self):\n" \
  "        return self._maxsize\n" \
  "\n" \
  "    def empty(self):\n" \
  "        return not self._queue\n" \
  "\n" \
  "    def full(self):\n" \
  "        if self._maxsize <= 0:\n" \
  "            return False\n" \
  "        return self.qsize() >= self._maxsize\n" \
  "\n" \
  "    async def put(self, item):\n" \
  "        while self.full():\n" \
  "            putter = _new_waiter(self._get_loop(), f'{type(self).__name__}.put()')\n" \
  "            self._putters.append(putter)\n" \
  "            try:\n" \
  "                await putter\n" \
  "            except:\n" \
  "                putter.cancel()\n" \
  "                try:\n" \
  "                    self._putters.remove(putter)\n" \
  "                except ValueError:\n" \
  "                    pass\n" \
  "                if not self.full() and not putter.cancelled():\n" \
  "                    self._wakeup_next(self._putters)\n" \
  "                raise\n" \
  "        return self.put_nowait(item)\n" \
  "\n" \
  "    def put_nowait(self, item):\n" \
  "        if self.full():\n" \
  "            raise QueueFull\n" \
  "        self._put(item)\n" \
  "        self._unfinished_tasks += 1\n" \
  "        self._finished.clear()\n" \
  "        self._wakeup_next(self._getters)\n" \
  "\n" \
  "    async def get(self):\n" \
  "        while self.empty():\n" \
  "            getter = _new_waiter(self._get_loop(), self._get_what())\n" \
  "            self._getters.append(getter)\n" \
  "            try:\n" \
  "                await getter\n" \
  "            except:\n" \
  "                getter.cancel()\n" \
  "                try:\n" \
  "                    self._getters.remove(getter)\n" \
  "                except ValueError:\n" \
  "                    pass\n" \
  "                if not self.empty() and not getter.cancelled():\n" \
  "                    self._wakeup_next(self._getters)\n" \
  "                raise\n" \
  "        return self.get_nowait()\n" \
  "\n" \
  "    def _get_what(self):\n" \
  "        return f'{type(self).__name__}.get()'\n" \
  "\n" \
  "    def get_nowait(self):\n" \
  "        if self.empty():\n" \
  "            raise QueueEmpty\n" \
  "        item = self._get()\n" \
  "        self._wakeup_next(self._putters)\n" \
  "        return item\n" \
  "\n" \
  "    def task_done(self):\n" \
  "        if self._unfinished_tasks <= 0:\n" \
  "            raise ValueError('task_done() called too many times')\n" \
  "        self._unfinished_tasks -= 1\n" \
  "        if self._unfinished_tasks == 0:\n" \
  "            self._finished.set()\n" \
  "\n" \
  "    async def join(self):\n" \
  "        if self._unfinished_tasks > 0:\n" \
  "            await self._finished._wait(f'{type(self).__name__}.join()')\n" \
  "\n" \
  "\n" \
  "class PriorityQueue(Queue):\n" \
  "    __module__ = 'asyncio.queues'\n" \
  "    def _init(self, maxsize):\n" \
  "        self._queue = []\n" \
  "\n" \
  "    def _put(self, item):\n" \
  "        _heappush(self._queue, item)\n" \
  "\n" \
  "    def _get(self):\n" \
  "        return _heappop(self._queue)\n" \
  "\n" \
  "\n" \
  "class LifoQueue(Queue):\n" \
  "    __module__ = 'asyncio.queues'\n" \
  "    def _init(self, maxsize):\n" \
  "        self._queue = []\n" \
  "\n" \
  "    def _put(self, item):\n" \
  "        self._queue.append(item)\n" \
  "\n" \
  "    def _get(self):\n" \
  "        return self._queue.pop()\n" \
  "\n" \
  "\n"

/* part 6: wait_for, wait */
#define PRELUDE_PART_6 \
  "# ---------------------------------------------------------------- waiting\n" \
  "\n" \
  "def _release_waiter(waiter, *args):\n" \
  "    if not waiter.done():\n" \
  "        waiter.set_result(None)\n" \
  "\n" \
  "\n" \
  "async def _cancel_and_wait(fut, what):\n" \
  "    # cancel fut and wait until it is really done (it may clean up first)\n" \
  "    waiter = _new_waiter(get_running_loop(), what)\n" \
  "    cb = lambda f: _release_waiter(waiter)\n" \
  "    fut.add_done_callback(cb)\n" \
  "    try:\n" \
  "        fut.cancel()\n" \
  "        await waiter\n" \
  "    finally:\n" \
  "        fut.remove_done_callback(cb)\n" \
  "\n" \
  "\n" \
  "async def wait_for(fut, timeout):\n" \
  "    loop = get_running_loop()\n" \
  "    if timeout is None:\n" \
  "        return await fut\n" \
  "    if timeout <= 0:\n" \
  "        fut = ensure_future(fut)\n" \
  "        if fut.done():\n" \
  "            return fut.result()\n" \
  "        await _cancel_and_wait(fut, 'wait_for()')\n" \
  "        try:\n" \
  "            return fut.result()\n" \
  "        except CancelledError as exc:\n" \
  "            raise TimeoutError() from exc\n" \
  "    waiter = _new_waiter(loop, 'wait_for()')\n" \
  "    timeout_handle = loop.call_later(timeout, _release_waiter, waiter)\n" \
  "    cb = lambda f: _release_waiter(waiter)\n" \
  "    fut = ensure_future(fut)\n" \
  "    fut.add_done_callback(cb)\n" \
  "    try:\n" \
  "        try:\n" \
  "            await waiter\n" \
  "        except CancelledError:\n" \
  "            if fut.done():\n" \
  "                return fut.result()\n" \
  "            fut.remove_done_callback(cb)\n" \
  "            await _cancel_and_wait(fut, 'wait_for()')\n" \
  "            raise\n" \
  "        if fut.done():\n" \
  "            return fut.result()\n" \
  "        fut.remove_done_callback(cb)\n" \
  "        await _cancel_and_wait(fut, 'wait_for()')\n" \
  "        try:\n" \
  "            return fut.result()\n" \
  "        except CancelledError as exc:\n" \
  "            raise TimeoutError() from exc\n" \
  "    finally:\n" \
  "        timeout_handle.cancel()\n" \
  "\n" \
  "\n" \
  "async def wait(fs, *, timeout=None, return_when=ALL_COMPLETED):\n" \
  "    if isfuture(fs) or iscoroutine(fs):\n" \
  "        raise TypeError(f'expect a list of futures, not {type(fs).__name__}')\n" \
  "    if not fs:\n" \
  "        raise ValueError('Set of Tasks/Futures is empty.')\n" \
  "    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):\n" \
  "        raise ValueError(f'Invalid return_when value: {return_when}')\n" \
  "    fs = _unique(fs)\n" \
  "    if any(iscoroutine(f) for f in fs):\n" \
  "        raise TypeError('Passing coroutines is forbidden, use tasks explicitly.')\n" \
  "    loop = get_running_loop()\n" \
  "    return await _wait(fs, timeout, return_when, loop)\n" \
  "\n" \
  "\n" \
  "async def _wait(fs, timeout, return_when, loop):\n" \
  "    waiter = _new_waiter(loop, 'wait()')\n" \
  "    timeout_handle = None\n" \
  "    if timeout is not None:\n" \
  "        timeout_handle = loop.call_later(timeout, _release_waiter, waiter)\n" \
  "    counter = len(fs)\n" \
  "\n" \
  "    def _on_completion(f):\n" \
  "        nonlocal counter\n" \
  "        counter -= 1\n" \
  "        if (counter <= 0 or return_when == FIRST_COMPLETED or\n" \
  "                (return_when == FIRST_EXCEPTION and not f.cancelled() and\n" \
  "                 f.exception() is not None)):\n" \
  "            if timeout_handle is not None:\n" \
  "                timeout_handle.cancel()\n" \
  "            if not waiter.done():\n" \
  "                waiter.set_result(None)\n" \
  "\n" \
  "    for f in fs:\n" \
  "        f.add_done_callback(_on_completion)\n" \
  "    try:\n" \
  "        await waiter\n" \
  "    finally:\n" \
  "        if timeout_handle is not None:\n" \
  "            timeout_handle.cancel()\n" \
  "        for f in fs:\n" \
  "            f.remove_done_callback(_on_completion)\n" \
  "    done = set()\n" \
  "    pending = set()\n" \
  "    for f in fs:\n" \
  "        if f.done():\n" \
  "            done.add(f)\n" \
  "        else:\n" \
  "            pending.add(f)\n" \
  "    return done, pending\n" \
  "\n" \
  "\n"

/* part 7: as_completed, shield */
#define PRELUDE_PART_7 \
  "def as_completed(fs, *, timeout=None):\n" \
  "    if isfuture(fs) or iscoroutine(fs):\n" \
  "        raise TypeError(f'expect an iterable of futures, not {type(fs).__name__}')\n" \
  "    done = Queue()\n" \
  "    done._get_what = lambda: 'as_completed()'\n" \
  "    loop = get_event_loop()\n" \
  "    todo = {}\n" \
  "    for f in _unique(fs):\n" \
  "        todo[ensure_future(f)] = None\n" \
  "    timeout_handle = None\n" \
  "\n" \
  "    def _on_timeout():\n" \
  "        for f in todo:\n" \
  "            f.remove_done_callback(_on_completion)\n" \
  "            done.put_nowait(None)\n" \
  "        todo.clear()\n" \
  "\n" \
  "    def _on_completion(f):\n" \
  "        if not todo:\n" \
  "            return\n" \
  "        del todo[f]\n" \
  "        done.put_nowait(f)\n" \
  "        if not todo and timeout_handle is not None:\n" \
  "            timeout_handle.cancel()\n" \
  "\n" \
  "    async def _wait_for_one():\n" \
  "        f = await done.get()\n" \
  "        if f is None:\n" \
  "            raise TimeoutError\n" \
  "        return f.result()\n" \
  "\n" \
  "    for f in todo:\n" \
  "        f.add_done_callback(_on_completion)\n" \
  "    if todo and timeout is not None:\n" \
  "        timeout_handle = loop.call_later(timeout, _on_timeout)\n" \
  "    for _ in range(len(todo)):\n" \
  "        yield _wait_for_one()\n" \
  "\n" \
  "\n" \
  "def shield(arg):\n" \
  "    inner = ensure_future(arg)\n" \
  "    if inner.done():\n" \
  "        return inner\n" \
  "    outer = _new_waiter(get_running_loop(), 'shield()')\n" \
  "\n" \
  "    def _inner_done_callback(inner):\n" \
  "        if outer.cancelled():\n" \
  "            if not inner.cancelled():\n" \
  "                inner.exception()\n" \
  "            return\n" \
  "        if inner.cancelled():\n" \
  "            outer.cancel()\n" \
  "        else:\n" \
  "            exc = inner.exception()\n" \
  "            if exc is not None:\n" \
  "                outer.set_exception(exc)\n" \
  "            else:\n" \
  "                outer.set_result(inner.result())\n" \
  "\n" \
  "    def _outer_done_callback(outer):\n" \
  "        if not inner.done():\n" \
  "            inner.remove_done_callback(_inner_done_callback)\n" \
  "\n" \
  "    inner.add_done_callback(_inner_done_callback)\n" \
  "    outer.add_done_callback(_outer_done_callback)\n" \
  "    return outer\n" \
  "\n" \
  "\n" \
  "# ---------------------------------------------------------------- timeouts\n" \
  "\n"

/* part 8: Timeout, timeout, timeout_at, TaskGroup */
#define PRELUDE_PART_8 \
  "class Timeout:\n" \
  "    # states: 'created', 'active', 'expiring', 'expired', 'finished'\n" \
  "    __module__ = 'asyncio.timeouts'\n" \
  "    def __init__(self, when):\n" \
  "        self._state = 'created'\n" \
  "        self._timeout_handler = None\n" \
  "        self._task = None\n" \
  "        self._when = when\n" \
  "\n" \
  "    def when(self):\n" \
  "        return self._when\n" \
  "\n" \
  "    def reschedule(self, when):\n" \
  "        if self._state != 'active':\n" \
  "            if self._state == 'created':\n" \
  "                raise RuntimeError('Timeout has not been entered')\n" \
  "            raise RuntimeError(f'Cannot change state of {self._state} Timeout')\n" \
  "        self._when = when\n" \
  "        if self._timeout_handler is not None:\n" \
  "            self._timeout_handler.cancel()\n" \
  "        if when is None:\n" \
  "            self._timeout_handler = None\n" \
  "        else:\n" \
  "            loop = get_running_loop()\n" \
  "            if when <= loop.time():\n" \
  "                self._timeout_handler = loop.call_soon(self._on_timeout)\n" \
  "            else:\n" \
  "                self._timeout_handler = loop.call_at(when, self._on_timeout)\n" \
  "\n" \
  "    def expired(self):\n" \
  "        return self._state in ('expiring', 'expired')\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        info = ''\n" \
  "        if self._state == 'active':\n" \
  "            when = round(self._when, 3) if self._when is not None else None\n" \
  "            info = f' when={when}'\n" \
  "        return f'<Timeout [{self._state}]{info}>'\n" \
  "\n" \
  "    async def __aenter__(self):\n" \
  "        if self._state != 'created':\n" \
  "            raise RuntimeError('Timeout has already been entered')\n" \
  "        task = current_task()\n" \
  "        if task is None:\n" \
  "            raise RuntimeError('Timeout should be used inside a task')\n" \
  "        self._state = 'active'\n" \
  "        self._task = task\n" \
  "        self._cancelling = task.cancelling()\n" \
  "        self.reschedule(self._when)\n" \
  "        return self\n" \
  "\n" \
  "    async def __aexit__(self, exc_type, exc_val, exc_tb):\n" \
  "        if self._timeout_handler is not None:\n" \
  "            self._timeout_handler.cancel()\n" \
  "            self._timeout_handler = None\n" \
  "        if self._state == 'expiring':\n" \
  "            self._state = 'expired'\n" \
  "            if self._task.uncancel() <= self._cancelling and exc_type is CancelledError:\n" \
  "                # the cancellation was ours: it becomes a TimeoutError\n" \
  "                raise TimeoutError from exc_val\n" \
  "        elif self._state == 'active':\n" \
  "            self._state = 'finished'\n" \
  "        return None\n" \
  "\n" \
  "    def _on_timeout(self):\n" \
  "        self._task.cancel()\n" \
  "        self._state = 'expiring'\n" \
  "        self._timeout_handler = None\n" \
  "\n" \
  "\n" \
  "def timeout(delay):\n" \
  "    loop = get_running_loop()\n" \
  "    return Timeout(loop.time() + delay if delay is not None else None)\n" \
  "\n" \
  "\n" \
  "def timeout_at(when):\n" \
  "    return Timeout(when)\n" \
  "\n" \
  "\n" \
  "# ---------------------------------------------------------------- task groups\n" \
  "\n" \
  "class TaskGroup:\n" \
  "    __module__ = 'asyncio.taskgroups'\n" \
  "    def __init__(self):\n" \
  "        self._entered = False\n" \
  "        self._exiting = False\n" \
  "        self._aborting = False\n" \
  "        self._loop = None\n" \
  "        self._parent_task = None\n" \
  "        self._parent_cancel_requested = False\n" \
  "        self._tasks = {}\n" \
  "        self._errors = []\n" \
  "        self._base_error = None\n" \
  "        self._on_completed_fut = None\n" \
  "\n" \
  "    def __repr__(self):\n" \
  "        info = ''\n" \
  "        if self._tasks:\n" \
  "            info += f' tasks={len(self._tasks)}'\n" \
  "        if self._errors:\n" \
  "            info += f' errors={len(self._errors)}'\n" \
  "        if self._aborting:\n" \
  "            info += ' cancelling'\n" \
  "        elif self._entered:\n" \
  "            info += ' entered'\n" \
  "        return f'<TaskGroup{info}>'\n" \
  "\n" \
  "    async def __aenter__(self):\n" \
  "        if self._entered:\n" \
  "            raise RuntimeError(f'TaskGroup {self!r} has already been entered')\n" \
  "        if self._loop is None:\n" \
  "            self._loop = get_running_loop()\n" \
  "        self._parent_task = current_task()\n" \
  "        if self._parent_task is None:\n" \
  "            raise RuntimeError(f'TaskGroup {self!r} cannot determine the parent task')\n" \
  "        self._entered = True\n" \
  "        return self\n" \
  "\n"

/* part 9: helpers */
#define PRELUDE_PART_9 \
  "    async def __aexit__(self, et, exc, tb):\n" \
  "        self._exiting = True\n" \
  "        if exc is not None and self._is_base_error(exc) and self._base_error is None:\n" \
  "            self._base_error = exc\n" \
  "        propagate_cancellation_error = exc if et is CancelledError else None\n" \
  "        if self._parent_cancel_requested:\n" \
  "            # the group cancelled its parent; that cancellation ends here\n" \
  "            if self._parent_task.uncancel() == 0:\n" \
  "                propagate_cancellation_error = None\n" \
  "        if et is not None:\n" \
  "            if not self._aborting:\n" \
  "                self._abort()\n" \
  "        while self._tasks:\n" \
  "            if self._on_completed_fut is None:\n" \
  "                self._on_completed_fut = _new_waiter(self._loop, 'TaskGroup.__aexit__()')\n" \
  "            try:\n" \
  "                await self._on_completed_fut\n" \
  "            except CancelledError as ex:\n" \
  "                if not self._aborting:\n" \
  "                    propagate_cancellation_error = ex\n" \
  "                    self._abort()\n" \
  "            self._on_completed_fut = None\n" \
  "        if self._base_error is not None:\n" \
  "            raise self._base_error\n" \
  "        if propagate_cancellation_error and not self._errors:\n" \
  "            raise propagate_cancellation_error\n" \
  "        if et is not None and et is not CancelledError:\n" \
  "            self._errors.append(exc)\n" \
  "        if self._errors:\n" \
  "            try:\n" \
  "                me = BaseExceptionGroup('unhandled errors in a TaskGroup', self._errors)\n" \
  "                raise me from None\n" \
  "            finally:\n" \
  "                self._errors = None\n" \
  "\n" \
  "    def create_task(self, coro, *, name=None, context=None):\n" \
  "        if not self._entered:\n" \
  "            raise RuntimeError(f'TaskGroup {self!r} has not been entered')\n" \
  "        if self._exiting and not self._tasks:\n" \
  "            raise RuntimeError(f'TaskGroup {self!r} is finished')\n" \
  "        if self._aborting:\n" \
  "            raise RuntimeError(f'TaskGroup {self!r} is shutting down')\n" \
  "        task = self._loop.create_task(coro)\n" \
  "        if name is not None:\n" \
  "            task.set_name(name)\n" \
  "        task.add_done_callback(self._on_task_done)\n" \
  "        self._tasks[task] = None\n" \
  "        return task\n" \
  "\n" \
  "    def _is_base_error(self, exc):\n" \
  "        return isinstance(exc, (SystemExit, KeyboardInterrupt))\n" \
  "\n" \
  "    def _abort(self):\n" \
  "        self._aborting = True\n" \
  "        for t in self._tasks:\n" \
  "            if not t.done():\n" \
  "                t.cancel()\n" \
  "\n" \
  "    def _on_task_done(self, task):\n" \
  "        self._tasks.pop(task, None)\n" \
  "        if self._on_completed_fut is not None and not self._tasks:\n" \
  "            if not self._on_completed_fut.done():\n" \
  "                self._on_completed_fut.set_result(True)\n" \
  "        if task.cancelled():\n" \
  "            return\n" \
  "        exc = task.exception()\n" \
  "        if exc is None:\n" \
  "            return\n" \
  "        self._errors.append(exc)\n" \
  "        if self._is_base_error(exc) and self._base_error is None:\n" \
  "            self._base_error = exc\n" \
  "        if self._parent_task.done():\n" \
  "            report = getattr(self._loop, 'call_exception_handler', None)\n" \
  "            if report is not None:\n" \
  "                report({\n" \
  "                    'message': f'Task {task!r} has errored out but its parent '\n" \
  "                               f'task {self._parent_task} is already completed',\n" \
  "                    'exception': exc,\n" \
  "                    'task': task,\n" \
  "                })\n" \
  "            return\n" \
  "        if not self._aborting and not self._parent_cancel_requested:\n" \
  "            self._abort()\n" \
  "            self._parent_cancel_requested = True\n" \
  "            self._parent_task.cancel()\n"

struct prelude_text {
  char part1[sizeof PRELUDE_PART_1 - 1]; /* part 1, no NUL */
  char part2[sizeof PRELUDE_PART_2 - 1]; /* part 2, no NUL */
  char part3[sizeof PRELUDE_PART_3 - 1]; /* part 3, no NUL */
  char part4[sizeof PRELUDE_PART_4 - 1]; /* part 4, no NUL */
  char part5[sizeof PRELUDE_PART_5 - 1]; /* part 5, no NUL */
  char part6[sizeof PRELUDE_PART_6 - 1]; /* part 6, no NUL */
  char part7[sizeof PRELUDE_PART_7 - 1]; /* part 7, no NUL */
  char part8[sizeof PRELUDE_PART_8 - 1]; /* part 8, no NUL */
  char part9[sizeof PRELUDE_PART_9 - 1]; /* part 9, no NUL */
};

static const struct prelude_text prelude_text = {
    PRELUDE_PART_1,
    PRELUDE_PART_2,
    PRELUDE_PART_3,
    PRELUDE_PART_4,
    PRELUDE_PART_5,
    PRELUDE_PART_6,
    PRELUDE_PART_7,
    PRELUDE_PART_8,
    PRELUDE_PART_9,
};

_Static_assert(sizeof prelude_text ==
                   sizeof PRELUDE_PART_1 - 1 +
                   sizeof PRELUDE_PART_2 - 1 +
                   sizeof PRELUDE_PART_3 - 1 +
                   sizeof PRELUDE_PART_4 - 1 +
                   sizeof PRELUDE_PART_5 - 1 +
                   sizeof PRELUDE_PART_6 - 1 +
                   sizeof PRELUDE_PART_7 - 1 +
                   sizeof PRELUDE_PART_8 - 1 +
                   sizeof PRELUDE_PART_9 - 1,
               "the parts of the prelude must lie back to back");

const char *prelude_asyncio(size_t *len) {
  *len = sizeof prelude_text;
  return (const char *)&prelude_text;
}
