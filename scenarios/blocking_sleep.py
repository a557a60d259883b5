# lesson: time.sleep freezes every task; await asyncio.sleep lets the others run
# Watch the ticker. In the first round the worker calls time.sleep: the loop itself is
# stuck inside that call, so the ticker misses its beats until 1.5 s. In the second
# round the worker awaits asyncio.sleep, hands the loop back, and the ticker keeps time.
import asyncio
import time


async def ticker(start):
    for _ in range(3):
        print(f"  tick at {time.perf_counter() - start:.1f} s")
        await asyncio.sleep(0.5)


async def blocking_worker():
    print("  worker calls time.sleep(1.5)")
    time.sleep(1.5)  # pause: the whole loop is frozen; no task can run
    print("  worker done")


async def friendly_worker():
    print("  worker awaits asyncio.sleep(1.5)")
    await asyncio.sleep(1.5)  # pause: the worker yields; the ticker can run
    print("  worker done")


async def main():
    print("with time.sleep:")
    start = time.perf_counter()
    await asyncio.gather(ticker(start), blocking_worker())
    print(f"took {time.perf_counter() - start:.1f} s")

    print("with await asyncio.sleep:")
    start = time.perf_counter()
    await asyncio.gather(ticker(start), friendly_worker())
    print(f"took {time.perf_counter() - start:.1f} s")


asyncio.run(main())
