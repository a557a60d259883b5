# An uncaught TimeoutError from wait_for ends the program with status 1.
import asyncio

async def slow_query():
    print("query started")
    await asyncio.sleep(30)
    return "rows"

async def main():
    rows = await asyncio.wait_for(slow_query(), timeout=5)
    print(rows)

asyncio.run(main())
