# Lock fairness (3.11): a newcomer cannot overtake a woken waiter; a lock
# whose only waiter was cancelled is free for the taking.
import asyncio

async def main():
    lock = asyncio.Lock()
    order = []

    async def user(name, hold):
        async with lock:
            order.append(name)
            print(name, "got the lock at", asyncio.get_running_loop().time())
            await asyncio.sleep(hold)

    await lock.acquire()
    a = asyncio.create_task(user("a", 0.5))
    await asyncio.sleep(0)
    lock.release()
    print("released; locked?", lock.locked())
    b = asyncio.create_task(user("b", 0.5))
    await asyncio.gather(a, b)
    print(order)
    await lock.acquire()
    waiter = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.sleep(0)
    lock.release()
    print("waiter cancelled:", waiter.cancelled(), "locked:", lock.locked())
    print("fast path:", await lock.acquire(), lock.locked())
    lock.release()
    # a waiter woken by release() and then cancelled wakes the next one
    await lock.acquire()
    w1 = asyncio.create_task(user("w1", 1))
    w2 = asyncio.create_task(user("w2", 1))
    await asyncio.sleep(0)
    lock.release()
    w1.cancel()
    await asyncio.gather(w1, w2, return_exceptions=True)
    print("w1 cancelled:", w1.cancelled(), "w2 ran:", order[-1], asyncio.get_running_loop().time())

asyncio.run(main())
