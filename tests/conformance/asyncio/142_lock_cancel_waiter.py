# A cancelled lock waiter leaves the queue; the next waiter gets the lock.
import asyncio

async def user(lock, name, hold):
    try:
        print(name, "wants the lock")
        async with lock:
            print(name, "has the lock at", asyncio.get_running_loop().time())
            await asyncio.sleep(hold)
        print(name, "released")
    except asyncio.CancelledError:
        print(name, "cancelled while waiting:", not lock.locked() or "lock busy")
        raise

async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(user(lock, "a", 2))
    b = asyncio.create_task(user(lock, "b", 1))
    c = asyncio.create_task(user(lock, "c", 1))
    await asyncio.sleep(1)
    b.cancel()
    results = await asyncio.gather(a, b, c, return_exceptions=True)
    print([type(r).__name__ for r in results], asyncio.get_running_loop().time())

asyncio.run(main())
