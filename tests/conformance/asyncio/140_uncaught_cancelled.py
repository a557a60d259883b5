# The main task awaits a task that gets cancelled: CancelledError escapes.
import asyncio

async def victim():
    await asyncio.sleep(10)

async def main():
    t = asyncio.create_task(victim())
    asyncio.get_running_loop().call_later(1, t.cancel)
    print("waiting for the victim")
    await t
    print("not reached")

asyncio.run(main())
