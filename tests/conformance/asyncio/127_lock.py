# Lock: mutual exclusion, async with, locked(), FIFO order of waiters.
import asyncio

counter = 0

async def unsafe_increment(name):
    global counter
    value = counter
    await asyncio.sleep(0.1)
    counter = value + 1

async def safe_increment(lock, name):
    global counter
    async with lock:
        print(name, "holds the lock at", round(asyncio.get_running_loop().time(), 2))
        value = counter
        await asyncio.sleep(0.1)
        counter = value + 1

async def main():
    global counter
    await asyncio.gather(*(unsafe_increment(i) for i in range(5)))
    print("without a lock:", counter)
    counter = 0
    lock = asyncio.Lock()
    print("locked?", lock.locked())
    await asyncio.gather(*(safe_increment(lock, f"t{i}") for i in range(5)))
    print("with a lock:", counter)
    await lock.acquire()
    print("acquired manually; locked?", lock.locked())
    async def contender(n):
        print("contender", n, "waiting")
        async with lock:
            print("contender", n, "got it at", asyncio.get_running_loop().time())
            await asyncio.sleep(1)
    tasks = [asyncio.create_task(contender(n)) for n in range(3)]
    await asyncio.sleep(2)
    lock.release()
    print("released; locked?", lock.locked())
    await asyncio.gather(*tasks)
    try:
        lock.release()
    except RuntimeError as e:
        print("RuntimeError:", e)
    print("final", lock.locked(), asyncio.get_running_loop().time())

asyncio.run(main())
