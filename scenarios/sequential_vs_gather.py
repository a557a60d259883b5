# lesson: three awaits in a row take 6 s; gather runs the same work in 3 s
# Watch the clock. In the first half main awaits each download before starting the next,
# so the waits add up: 1 + 2 + 3 s. In the second half gather starts all three tasks at
# once; they sleep side by side and the run ends when the slowest one does.
import asyncio
import time


async def download(name, seconds):
    print(f"  {name}: start")
    await asyncio.sleep(seconds)  # stands in for the network
    print(f"  {name}: done after {seconds} s")
    return name


async def main():
    jobs = [("a.txt", 1), ("b.txt", 2), ("c.txt", 3)]

    print("one after another:")
    start = time.perf_counter()
    for name, seconds in jobs:
        await download(name, seconds)  # pause: main waits; nothing else has started
    print(f"took {time.perf_counter() - start:.0f} s")

    print("all at once with gather:")
    start = time.perf_counter()
    downloads = [download(name, seconds) for name, seconds in jobs]
    await asyncio.gather(*downloads)  # pause: three tasks sleep side by side
    print(f"took {time.perf_counter() - start:.0f} s")


asyncio.run(main())
