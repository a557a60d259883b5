# Semaphore waiters: FIFO wakeup, a woken waiter cancelled before it runs
# passes its slot on, and a cancelled waiter does not count as a holder.
import asyncio

async def worker(sem, name, hold):
    try:
        async with sem:
            print(name, "in at", asyncio.get_running_loop().time())
            await asyncio.sleep(hold)
        print(name, "out at", asyncio.get_running_loop().time())
    except asyncio.CancelledError:
        print(name, "cancelled; locked:", sem.locked())
        raise

async def main():
    sem = asyncio.Semaphore(2)
    tasks = [asyncio.create_task(worker(sem, f"w{i}", 1)) for i in range(5)]
    await asyncio.sleep(0)
    print("after start: locked", sem.locked())
    tasks[3].cancel()
    await asyncio.sleep(1)
    tasks[2].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print([type(r).__name__ for r in results], sem.locked(), asyncio.get_running_loop().time())
    s = asyncio.Semaphore(0)
    print("zero semaphore locked:", s.locked())
    waiter = asyncio.create_task(s.acquire())
    await asyncio.sleep(0)
    s.release()
    waiter.cancel()
    await asyncio.sleep(0)
    print("woken then cancelled:", waiter.cancelled(), "locked:", s.locked())
    print(await s.acquire(), s.locked())
    b = asyncio.BoundedSemaphore(1)
    async with b:
        print("bounded locked inside:", b.locked())
    for _ in range(2):
        try:
            b.release()
            print("released")
        except ValueError as e:
            print("ValueError:", e)

asyncio.run(main())
