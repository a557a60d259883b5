# wait_for: success in time, timeout (inner task cancelled), timeout=None.
import asyncio

async def op(name, delay):
    try:
        print(f"{name}: start")
        await asyncio.sleep(delay)
        print(f"{name}: end")
        return f"{name} result"
    except asyncio.CancelledError:
        print(f"{name}: cancelled at {asyncio.get_running_loop().time()}")
        raise
    finally:
        print(f"{name}: finally")

async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.wait_for(op("fast", 1), timeout=2), loop.time())
    try:
        await asyncio.wait_for(op("slow", 5), timeout=1.5)
    except asyncio.TimeoutError as e:
        print("timed out:", type(e).__name__, repr(str(e)), loop.time())
    print(await asyncio.wait_for(op("unbounded", 3), None), loop.time())
    t = asyncio.create_task(op("task", 2))
    try:
        await asyncio.wait_for(t, 1)
    except TimeoutError:
        print("task cancelled by wait_for:", t.cancelled(), loop.time())
    try:
        await asyncio.wait_for(op("zero", 1), 0)
    except TimeoutError:
        print("timeout 0 expired at", loop.time())
    print(await asyncio.wait_for(asyncio.sleep(0.5, result="sleep value"), 1))
    try:
        await asyncio.wait_for(op("equal", 1), 1)
    except TimeoutError:
        print("equal deadline: timeout wins", loop.time())

asyncio.run(main())
