# wait_for (3.11) waits for the cancelled task to finish its cleanup, and
# returns a value if the task swallows the cancellation.
import asyncio

async def slow_cleanup():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("cleanup starts at", asyncio.get_running_loop().time())
        await asyncio.sleep(2)
        print("cleanup ends at", asyncio.get_running_loop().time())
        raise

async def swallow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("swallowing at", asyncio.get_running_loop().time())
        return "value despite timeout"

async def failing_cleanup():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        raise ValueError("cleanup failed")

async def main():
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(slow_cleanup(), 1)
    except TimeoutError:
        print("TimeoutError raised at", loop.time())
    print("wait_for returned:", await asyncio.wait_for(swallow(), 1), loop.time())
    try:
        await asyncio.wait_for(failing_cleanup(), 1)
    except ValueError as e:
        print("cleanup exception propagates:", repr(e), loop.time())

asyncio.run(main())
