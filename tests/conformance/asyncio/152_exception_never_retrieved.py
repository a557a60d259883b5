# A task fails and nobody awaits it or asks for its exception: asyncio logs
# "Task exception was never retrieved" on stderr; the program still ends with 0.
import asyncio

async def boom():
    await asyncio.sleep(0.5)
    raise ValueError("lost in the background")

async def main():
    asyncio.create_task(boom())
    await asyncio.sleep(1)
    print("main done")

asyncio.run(main())
