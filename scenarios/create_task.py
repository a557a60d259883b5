# lesson: create_task starts work now; await the task later, when you need the result
# Watch the new task appear the moment create_task runs, and take its first step as soon
# as main awaits something. While main does other work the download makes progress, so
# awaiting the task at the end costs 1 s instead of 2.
import asyncio
import time


async def download(url):
    print(f"downloading {url}")
    await asyncio.sleep(2)
    print(f"downloaded {url}")
    return f"<html of {url}>"


async def main():
    start = time.perf_counter()
    # pause: the task is scheduled, but not running yet
    task = asyncio.create_task(download("example.com"))
    print("task created, main carries on")
    await asyncio.sleep(1)  # pause: main yields, so the task gets its first step
    print("main finished 1 s of other work")
    page = await task  # pause: the task has had a 1 s head start
    print(f"got {page} after {time.perf_counter() - start:.0f} s")


asyncio.run(main())
