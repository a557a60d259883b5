# Queue.put and Queue.get coroutines however they are run: awaited at once,
# kept and awaited later, awaited twice, never awaited, closed, wrapped in
# tasks, wait_for and gather, cancelled while waiting and before they start;
# plus repr and str of queues with waiters, LifoQueue and PriorityQueue order.
import asyncio


def shown(q):
    r = repr(q)
    at = r.index(" at 0x")
    return r[:at] + r[r.index(" ", at + 4):]


async def main():
    q = asyncio.Queue(1)
    c = q.put("a")
    print(type(c).__name__, c.__name__, c.__qualname__, asyncio.iscoroutine(c))
    print("before await:", str(q))
    print("put returns", await c, str(q))
    try:
        await c
    except RuntimeError as e:
        print("RuntimeError:", e)
    g = q.get()
    print("get returns", await g)
    try:
        await g
    except RuntimeError as e:
        print("RuntimeError:", e)
    # closed before it ran, then awaited
    c2 = q.put("never")
    c2.close()
    try:
        await c2
    except RuntimeError as e:
        print("closed:", e, str(q))
    # send and throw by hand
    c3 = q.put("sent")
    try:
        c3.send(None)
    except StopIteration as e:
        print("StopIteration", e.value, str(q))
    c4 = q.get()
    try:
        c4.throw(KeyError("thrown"))
    except KeyError as e:
        print("thrown in before it started:", repr(e), str(q))
    print("left:", q.get_nowait())

    # tasks
    t = asyncio.create_task(q.put("task"))
    print(t.get_name(), t.get_coro().__qualname__, t.done())
    await asyncio.sleep(0)
    print("task done:", t.done(), t.result(), str(q))
    t2 = asyncio.create_task(q.get(), name="getter")
    print("got by task:", await t2)
    # a task cancelled before its first step: the queue is untouched
    q.put_nowait("kept")
    t3 = asyncio.create_task(q.get())
    t3.cancel()
    try:
        await t3
    except asyncio.CancelledError:
        print("cancelled before start:", str(q))
    print("still there:", q.get_nowait())

    # waiting: wait_for times out, gather, cancellation while blocked
    try:
        await asyncio.wait_for(q.get(), 0.5)
    except asyncio.TimeoutError:
        print("timed out:", str(q))
    print(await asyncio.gather(q.put(1), q.get(), q.get(), q.put(2)))
    getters = [asyncio.create_task(q.get()) for _ in range(3)]
    await asyncio.sleep(0)
    print(shown(q), str(q))
    getters[1].cancel()
    await asyncio.sleep(0)
    print("one cancelled:", str(q))
    q.put_nowait("x")
    q.put_nowait("y") if not q.full() else print("full after x")
    await asyncio.sleep(0)
    print([g.result() if g.done() and not g.cancelled() else g.done() for g in getters], str(q))
    q.put_nowait("z")
    await asyncio.sleep(0)
    print([g.result() if g.done() and not g.cancelled() else g.done() for g in getters], str(q))

    # put into a full queue, woken after a get; a putter cancelled while blocked
    q.put_nowait("full")
    putters = [asyncio.create_task(q.put(f"p{i}")) for i in range(3)]
    await asyncio.sleep(0)
    print(shown(q))
    putters[0].cancel()
    await asyncio.sleep(0)
    print("after cancel:", str(q))
    for _ in range(3):
        print("get", await q.get(), str(q))
        await asyncio.sleep(0)
        print("  ", [p.done() for p in putters], str(q))
    # a woken getter cancelled before it runs passes the item on
    a = asyncio.create_task(q.get())
    b = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    await q.put("handed")
    a.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("a cancelled:", a.cancelled(), "b got:", b.result(), str(q))

    # join waits for task_done
    async def worker(q):
        while True:
            item = await q.get()
            await asyncio.sleep(0.1)
            print("  processed", item)
            q.task_done()

    jq = asyncio.Queue(2)
    w = asyncio.create_task(worker(jq))
    for i in range(3):
        await jq.put(i)
    await jq.join()
    print("joined", str(jq))
    w.cancel()

    # orderings
    lq = asyncio.LifoQueue()
    pq = asyncio.PriorityQueue(3)
    for x in [3, 1, 4, 1, 5]:
        await lq.put(x)
    for x in [(2, "b"), (1, "a"), (3, "c")]:
        await pq.put(x)
    late = asyncio.create_task(pq.put((0, "z")))
    await asyncio.sleep(0)
    print(str(lq), str(pq), pq.full(), shown(pq))
    print([await lq.get() for _ in range(5)])
    print([await pq.get() for _ in range(4)], late.done())
    print(q.maxsize, lq.maxsize, pq.maxsize, q.empty(), lq.qsize())

    # never awaited
    q.put("forgotten")
    q.get()


asyncio.run(main())
