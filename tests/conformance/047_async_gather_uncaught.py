# The first exception of a gather escapes main and asyncio.run; other tasks
# are cancelled by asyncio.run's cleanup and never print.
import asyncio

async def slow(name):
    print(name, "started")
    await asyncio.sleep(10)
    print(name, "never finishes")

async def broken():
    await asyncio.sleep(1)
    print("broken raising")
    raise KeyError("config")

async def main():
    await asyncio.gather(slow("s1"), broken(), slow("s2"))

asyncio.run(main())
