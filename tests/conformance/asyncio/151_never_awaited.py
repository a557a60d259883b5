# A coroutine called but never awaited: it never runs, and Python warns.
import asyncio

async def save(record):
    print("saving", record)
    await asyncio.sleep(0.1)

async def main():
    save("forgotten")
    await save("kept")
    print("done")

asyncio.run(main())
