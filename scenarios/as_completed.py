# lesson: as_completed yields results in the order they finish, not the order asked
# Watch three checks start together. main gets the fastest answer first, at 1 s, and
# handles it while the slower checks are still waiting; with gather it would wait for
# all three until 3 s.
import asyncio
import time

START = time.perf_counter()


async def ping(host, seconds):
    await asyncio.sleep(seconds)  # stands in for the network
    return f"{host} answered"


async def main():
    checks = [ping("alpha", 3), ping("beta", 1), ping("gamma", 2)]
    for next_done in asyncio.as_completed(checks):
        answer = await next_done  # pause: the first check to finish comes out first
        print(f"{time.perf_counter() - START:.0f} s: {answer}")


asyncio.run(main())
