# shield(): cancelling the waiter does not cancel the shielded task.
import asyncio

async def important():
    print("important: start")
    await asyncio.sleep(2)
    print("important: finished")
    return "saved"

async def waiter(task):
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        print("waiter cancelled, important still running:", not task.done())
        raise

async def main():
    t = asyncio.create_task(important())
    w = asyncio.create_task(waiter(t))
    await asyncio.sleep(1)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print("w cancelled:", w.cancelled(), "t cancelled:", t.cancelled())
    print("t result:", await t, asyncio.get_running_loop().time())
    r = await asyncio.shield(important())
    print("shield of a coroutine:", r)
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except TimeoutError:
        print("never: t is already done")
    print("done", t.result())
    u = asyncio.create_task(important())
    try:
        await asyncio.wait_for(asyncio.shield(u), 0.5)
    except TimeoutError:
        print("timed out but u survives:", u.cancelled(), u.done())
    print(await u)

asyncio.run(main())
