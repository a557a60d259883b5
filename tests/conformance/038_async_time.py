# loop.time(), time.time(), time.monotonic() and time.perf_counter() on the clock.
import asyncio
import time

async def main():
    loop = asyncio.get_running_loop()
    t0 = time.time()
    m0 = time.monotonic()
    p0 = time.perf_counter()
    l0 = loop.time()
    print(l0 == m0, l0 == p0, t0 - l0)
    for i in range(10):
        await asyncio.sleep(0.1)
    print(loop.time(), time.monotonic() - m0)
    print(f"{time.time() - t0:.2f} {time.perf_counter() - p0:.3f}")
    await asyncio.sleep(0.3)
    print(loop.time())
    await asyncio.gather(asyncio.sleep(1.5), asyncio.sleep(0.25))
    print(f"elapsed {loop.time() - l0:.4f}", round(time.time() - t0, 2))
    start = time.perf_counter()
    await asyncio.sleep(0)
    print("sleep(0) takes no time:", time.perf_counter() - start)
    print(round(loop.time(), 9))

asyncio.run(main())
print("after run", round(time.monotonic(), 9))
