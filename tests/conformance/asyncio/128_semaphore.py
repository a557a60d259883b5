# Semaphore limits how many tasks are inside at once.
import asyncio

active = 0
peak = 0

async def download(sem, n):
    global active, peak
    async with sem:
        active += 1
        peak = max(peak, active)
        print(f"{asyncio.get_running_loop().time():.1f} start {n} (active {active})")
        await asyncio.sleep(1 + (n % 3) * 0.5)
        active -= 1
        print(f"{asyncio.get_running_loop().time():.1f} end {n}")
        return n * 2

async def main():
    sem = asyncio.Semaphore(3)
    print("locked?", sem.locked())
    results = await asyncio.gather(*(download(sem, n) for n in range(8)))
    print(results, "peak", peak)
    s = asyncio.Semaphore(1)
    await s.acquire()
    print("locked after acquire:", s.locked())
    s.release()
    s.release()
    print("released twice: locked?", s.locked())
    await s.acquire()
    await s.acquire()
    print("two acquires fit", s.locked())
    try:
        asyncio.Semaphore(-1)
    except ValueError as e:
        print("ValueError:", e)

asyncio.run(main())
