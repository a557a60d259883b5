# Timers with equal deadlines fire in the order they were scheduled.
import asyncio

async def sleeper(name, first, second):
    await asyncio.sleep(first)
    print("woke", name, "at", asyncio.get_running_loop().time())
    await asyncio.sleep(second)
    print("woke again", name, "at", asyncio.get_running_loop().time())

async def main():
    tasks = []
    for i in range(6):
        tasks.append(asyncio.create_task(sleeper(f"t{i}", 1, (i % 3))))
    await asyncio.sleep(0)
    print("all scheduled")
    for t in tasks:
        await t
    late = asyncio.create_task(sleeper("late", 2, 0))
    early = asyncio.create_task(sleeper("early", 2, 0))
    await asyncio.gather(early, late)
    await asyncio.gather(sleeper("x", 0.1, 0.2), sleeper("y", 0.3, 0), sleeper("z", 0.2, 0.1))

asyncio.run(main())
