# lesson: an async generator streams: each item is used as soon as it arrives
# Watch the generator and the `async for` loop take turns: each yield hands one row to
# main, which handles it before the next page is even requested. Nothing waits for the
# whole list.
import asyncio
import time

START = time.perf_counter()


async def fetch_rows(pages):
    for page in range(1, pages + 1):
        print(f"{time.perf_counter() - START:.0f} s: requesting page {page}")
        await asyncio.sleep(1)  # pause: the generator awaits a page; the loop is free
        for row in ("a", "b"):
            yield f"row {page}{row}"  # pause: hands one row to main and pauses here


async def main():
    async for row in fetch_rows(3):
        print(f"{time.perf_counter() - START:.0f} s: handled {row}")
    print("stream finished")


asyncio.run(main())
