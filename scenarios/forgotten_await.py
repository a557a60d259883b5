# lesson: calling a coroutine function without await runs none of its code
# Watch the first call: it only creates a coroutine object, and the statement drops it at
# once. No task appears, nothing sleeps, nothing is saved, and Python warns that the
# coroutine was never awaited. The second call, with await, runs the body.
import asyncio


async def save(record):
    await asyncio.sleep(0.5)  # stands in for a database write
    print(f"saved {record}")


async def main():
    save("draft")  # pause: the bug: a coroutine object is made and thrown away
    print("main carried on, but the draft was never saved")
    await save("final")  # pause: await runs the body and waits for it to finish
    print("done")


asyncio.run(main())
