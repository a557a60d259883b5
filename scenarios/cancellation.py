# lesson: cancel() raises CancelledError in the task at its await; finally still runs
# Watch main call cancel at 2.5 s: nothing happens to the download until it is scheduled
# again, and then its pending sleep raises CancelledError. The finally block runs, and
# main, which awaits the task, receives the CancelledError in turn.
import asyncio


async def download(name):
    print(f"{name}: connected")
    try:
        for part in range(1, 4):
            await asyncio.sleep(1)  # pause: a cancelled task wakes up here, in error
            print(f"{name}: got part {part} of 3")
        return "complete"
    finally:
        # pause: cleanup runs whether the task succeeds, fails or is cancelled
        print(f"{name}: closing the connection")


async def main():
    task = asyncio.create_task(download("big.iso"))
    await asyncio.sleep(2.5)
    task.cancel()  # pause: cancel() only asks; the task sees it at its next step
    print("main: cancel requested")
    try:
        await task
    except asyncio.CancelledError:
        print("main: the download was cancelled")
    print(f"task.cancelled() is {task.cancelled()}")


asyncio.run(main())
