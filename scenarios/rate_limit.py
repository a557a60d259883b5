# lesson: a Semaphore caps how many tasks run a section at once: two requests at a time
# Watch only two requests start at 0 s while the others wait at `async with limit`. Each
# time a request finishes it releases the semaphore and the next waiting task goes in,
# so five one-second requests take 3 s.
import asyncio
import time

START = time.perf_counter()


def now():
    return f"{time.perf_counter() - START:.0f} s"


async def fetch(url, limit):
    async with limit:  # pause: at most two tasks are past this line at any moment
        print(f"{now()}: start {url}")
        await asyncio.sleep(1)
        print(f"{now()}: done  {url}")


async def main():
    limit = asyncio.Semaphore(2)
    urls = [f"/page/{n}" for n in range(1, 6)]
    await asyncio.gather(*(fetch(url, limit) for url in urls))
    print(f"{len(urls)} requests in {now()}")


asyncio.run(main())
