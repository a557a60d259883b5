# Deadlines that differ by less than the loop's clock resolution (1e-9)
# become ready in the same iteration, as in CPython's _run_once: "tenths"
# (deadline 0.30000000000000004) wakes together with "direct" (0.3), and
# loop.time() reads 0.3 for both.
import asyncio

async def steps(name, n, d):
    for i in range(n):
        await asyncio.sleep(d)
    print(name, "woke at", asyncio.get_running_loop().time())
    await asyncio.sleep(0)
    print(name, "after sleep(0)")

async def main():
    await asyncio.gather(steps("tenths", 3, 0.1), steps("direct", 1, 0.3))
    await asyncio.gather(steps("far", 1, 1.0000001), steps("near", 1, 1.0))
    print(0.1 + 0.1 + 0.1, asyncio.get_running_loop().time())

asyncio.run(main())
