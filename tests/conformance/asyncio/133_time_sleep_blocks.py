# time.sleep inside a coroutine blocks the whole loop on the virtual clock.
import asyncio
import time

async def ticker():
    for i in range(5):
        print(f"tick {i} at {asyncio.get_running_loop().time():.1f}")
        await asyncio.sleep(0.5)

async def blocker():
    await asyncio.sleep(1)
    print("blocker: time.sleep(2) starts at", asyncio.get_running_loop().time())
    time.sleep(2)
    print("blocker: time.sleep(2) ends at", asyncio.get_running_loop().time())

async def main():
    t0 = time.time()
    await asyncio.gather(ticker(), blocker())
    print(f"elapsed {time.time() - t0:.1f}s")
    start = time.monotonic()
    time.sleep(0.25)
    time.sleep(0)
    print(time.monotonic() - start, time.perf_counter() - start)
    total = 0
    for i in range(100000):
        total += i
    print("pure computation costs no virtual time:", time.monotonic() - start, total)

time.sleep(1)
print("before run", time.monotonic())
asyncio.run(main())
