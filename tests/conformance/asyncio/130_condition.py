# Condition: wait/notify/notify_all and wait_for(predicate).
import asyncio

async def consumer(cond, name, box):
    async with cond:
        print(name, "waiting for an item")
        await cond.wait_for(lambda: len(box) > 0)
        item = box.pop(0)
        print(name, "took", item, "at", asyncio.get_running_loop().time())

async def sleeper(cond, name):
    async with cond:
        print(name, "waits")
        await cond.wait()
        print(name, "notified at", asyncio.get_running_loop().time())

async def main():
    cond = asyncio.Condition()
    box = []
    consumers = [asyncio.create_task(consumer(cond, f"c{i}", box)) for i in range(3)]
    await asyncio.sleep(1)
    for item in ["x", "y"]:
        async with cond:
            box.append(item)
            cond.notify()
        await asyncio.sleep(1)
    async with cond:
        box.append("z")
        cond.notify_all()
    await asyncio.gather(*consumers)
    sleepers = [asyncio.create_task(sleeper(cond, f"s{i}")) for i in range(4)]
    await asyncio.sleep(0.5)
    async with cond:
        cond.notify(2)
    await asyncio.sleep(0.5)
    async with cond:
        cond.notify_all()
    await asyncio.gather(*sleepers)
    try:
        cond.notify()
    except RuntimeError as e:
        print("RuntimeError:", e)
    print("locked?", cond.locked())

asyncio.run(main())
