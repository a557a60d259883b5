# lesson: an Event holds tasks at wait() until one set() call releases all of them
# Watch the three runners block at start.wait(). At 1 s main calls start.set(): every
# waiter becomes ready at once, and they run in the order they started waiting.
import asyncio


async def runner(name, start):
    print(f"{name} is at the start line")
    await start.wait()  # pause: blocked until someone calls start.set()
    print(f"{name} runs")


async def main():
    start = asyncio.Event()
    runners = [
        asyncio.create_task(runner(name, start), name=name)
        for name in ("ana", "ben", "cy")
    ]
    await asyncio.sleep(1)
    print("ready, steady, go!")
    start.set()  # pause: one call wakes every waiting task
    await asyncio.gather(*runners)


asyncio.run(main())
