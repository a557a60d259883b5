# get_running_loop() and get_event_loop() inside coroutines are the same loop.
import asyncio

async def inner():
    return asyncio.get_event_loop()

async def main():
    loop = asyncio.get_running_loop()
    print(loop is asyncio.get_event_loop(), loop is await inner())
    print(loop.time(), loop.is_running(), loop.is_closed())
    fut = asyncio.get_event_loop().create_future()
    asyncio.get_event_loop().call_later(2, fut.set_result, "via get_event_loop")
    print(await fut, loop.time())
    try:
        asyncio.get_running_loop().call_soon(print, "print as a callback", 1, 2)
        await asyncio.sleep(0)
    finally:
        print("finally")

asyncio.run(main())
try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print("RuntimeError:", e)
