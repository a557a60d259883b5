# Condition: errors without the lock, a shared user Lock, cancellation while
# waiting (the lock is taken back), wait_for returning the predicate's value.
import asyncio

async def main():
    cond = asyncio.Condition()
    for call in (cond.wait(), ):
        try:
            await call
        except RuntimeError as e:
            print("RuntimeError:", e)
    try:
        cond.notify_all()
    except RuntimeError as e:
        print("RuntimeError:", e)
    lock = asyncio.Lock()
    c1 = asyncio.Condition(lock)
    c2 = asyncio.Condition(lock)
    async with c1:
        print("c2 sees the shared lock:", c2.locked(), lock.locked())
    print("after:", c1.locked(), lock.locked())

    async def waiter(name):
        async with c1:
            try:
                await c1.wait()
                print(name, "notified, holds lock:", c1.locked())
            except asyncio.CancelledError:
                print(name, "cancelled, holds lock again:", c1.locked())
                raise
    tasks = [asyncio.create_task(waiter(f"t{i}")) for i in range(3)]
    await asyncio.sleep(0)
    tasks[1].cancel()
    await asyncio.sleep(0)
    async with c1:
        c1.notify(5)
        print("notified while holding the lock")
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print([type(r).__name__ for r in results])

    state = {"n": 0}
    async def bump():
        for _ in range(4):
            await asyncio.sleep(0.5)
            async with c1:
                state["n"] += 1
                c1.notify_all()
    bumper = asyncio.create_task(bump())
    async with c1:
        value = await c1.wait_for(lambda: state["n"] >= 3 and state["n"] * 10)
        print("wait_for returned", value, "at", asyncio.get_running_loop().time())
    await bumper
    # a waiter cancelled while the lock is busy still takes the lock back first
    async def holder():
        async with c1:
            c1.notify_all()
            await asyncio.sleep(2)
            print("holder releases at", asyncio.get_running_loop().time())
    async def victim():
        async with c1:
            try:
                await c1.wait()
            except asyncio.CancelledError:
                print("victim reacquired at", asyncio.get_running_loop().time())
                raise
    v = asyncio.create_task(victim())
    await asyncio.sleep(0)
    h = asyncio.create_task(holder())
    await asyncio.sleep(1)
    v.cancel()
    await asyncio.gather(h, v, return_exceptions=True)
    print("victim cancelled:", v.cancelled(), "lock free:", not c1.locked())

asyncio.run(main())
