# cancel(msg): the message travels with the CancelledError.
import asyncio

async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("inside:", repr(e), e.args)
        raise

async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(1)
    t.cancel("shutting down")
    try:
        await t
    except asyncio.CancelledError as e:
        print("outside:", repr(e), e.args)
    u = asyncio.create_task(sleeper())
    await asyncio.sleep(1)
    u.cancel()
    try:
        await u
    except asyncio.CancelledError as e:
        print("no message:", repr(e), e.args)
    v = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    v.cancel(msg="first")
    v.cancel(msg="second")
    try:
        await v
    except asyncio.CancelledError as e:
        print("cancelled twice:", e.args)

asyncio.run(main())
