# asyncio.run returns the coroutine's value; two runs share the process clock.
import asyncio
import time

async def work(n):
    await asyncio.sleep(n)
    return n * 100, asyncio.get_running_loop().time()

print("before", time.monotonic())
print(asyncio.run(work(2)))
print("between", time.monotonic(), time.time())
print(asyncio.run(work(0.5)))
async def nothing():
    return None
print(asyncio.run(nothing()))
async def no_sleep():
    return [i * i for i in range(4)]
print(asyncio.run(no_sleep()), time.monotonic())
