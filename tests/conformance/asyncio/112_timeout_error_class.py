# asyncio.TimeoutError is the builtin TimeoutError in 3.11; catching either works.
import asyncio

async def slow():
    await asyncio.sleep(1)

async def main():
    print(asyncio.TimeoutError is TimeoutError)
    try:
        await asyncio.wait_for(slow(), 0.1)
    except TimeoutError as e:
        print("builtin name caught", repr(e))
    try:
        await asyncio.wait_for(slow(), 0.1)
    except asyncio.TimeoutError as e:
        print("asyncio name caught", repr(e))
    try:
        await asyncio.wait_for(slow(), 0.1)
    except (ValueError, asyncio.TimeoutError) as e:
        print("tuple caught", type(e).__name__, asyncio.get_running_loop().time())
    try:
        raise asyncio.TimeoutError("custom message")
    except TimeoutError as e:
        print(repr(e), str(e))
    try:
        async with asyncio.timeout(0.2):
            await slow()
    except Exception as e:
        print("generic handler:", type(e).__name__, isinstance(e, TimeoutError))

asyncio.run(main())
