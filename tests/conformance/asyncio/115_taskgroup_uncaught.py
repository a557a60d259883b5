# An ExceptionGroup from a TaskGroup escapes asyncio.run.
import asyncio

async def ok():
    await asyncio.sleep(1)
    print("ok finished")

async def bad():
    await asyncio.sleep(0.5)
    raise RuntimeError("bad child")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(ok())
        tg.create_task(bad())

asyncio.run(main())
