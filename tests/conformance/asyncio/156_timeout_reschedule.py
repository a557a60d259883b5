# Timeout objects: when(), reschedule(), expired(), repr, misuse errors, and a
# cancellation from outside that must stay a CancelledError.
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(1) as cm:
        print(cm, cm.when(), cm.expired())
        cm.reschedule(loop.time() + 3)
        print("rescheduled to", cm.when())
        await asyncio.sleep(2)
        print("still alive at", loop.time())
    print(cm, cm.expired())
    try:
        async with asyncio.timeout(None) as cm:
            await asyncio.sleep(1)
            cm.reschedule(loop.time() + 0.5)
            await asyncio.sleep(5)
    except TimeoutError:
        print("expired after reschedule at", loop.time(), cm.expired(), cm)
    try:
        async with asyncio.timeout(10) as cm:
            cm.reschedule(loop.time())
            await asyncio.sleep(1)
    except TimeoutError:
        print("reschedule to now expires at once:", loop.time())
    try:
        async with asyncio.timeout(1) as cm:
            cm.reschedule(None)
            await asyncio.sleep(2)
        print("reschedule(None) disarmed it:", loop.time(), cm.expired())
    except TimeoutError:
        print("not reached")
    t = asyncio.Timeout(loop.time() + 1)
    print(t, t.when())
    try:
        t.reschedule(5)
    except RuntimeError as e:
        print("RuntimeError:", e)
    async with t:
        pass
    try:
        t.reschedule(5)
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        async with t:
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)

    async def guarded():
        try:
            async with asyncio.timeout(5):
                await asyncio.sleep(10)
        except TimeoutError:
            print("not reached: the cancel came from outside")
    g = asyncio.create_task(guarded())
    await asyncio.sleep(1)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("outside cancel stays CancelledError:", g.cancelled(), loop.time())
    async def both():
        async with asyncio.timeout(1):
            async with asyncio.timeout(1):
                await asyncio.sleep(3)
    try:
        await both()
    except TimeoutError:
        print("equal nested deadlines:", loop.time(), asyncio.current_task().cancelling())
    async def swallow():
        async with asyncio.timeout(0.5) as cm:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("swallowed the timeout's cancel")
        print("expired but no error:", cm.expired())
    await swallow()

asyncio.run(main())
