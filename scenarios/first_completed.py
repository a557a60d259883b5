# lesson: asyncio.wait with FIRST_COMPLETED takes the fastest answer; cancel the rest
# Watch three mirrors start at once. main wakes up when the first one answers, at 0.1 s,
# while the other two are still sleeping; it cancels them, and each one's sleep ends in
# CancelledError instead of an answer.
import asyncio


async def download(mirror, seconds):
    try:
        await asyncio.sleep(seconds)  # stands in for the network
        return f"file from {mirror} after {seconds} s"
    except asyncio.CancelledError:
        print(f"{mirror}: cancelled")
        raise


async def main():
    mirrors = {"eu": 0.3, "us": 0.1, "asia": 0.2}
    tasks = [
        asyncio.create_task(download(name, seconds), name=name)
        for name, seconds in mirrors.items()
    ]
    # pause: main sleeps until any one of the three tasks is done
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"fastest: {done.pop().result()}")
    for task in tasks:
        if not task.done():
            task.cancel()  # pause: the slower downloads are still running: stop them
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"{len(pending)} slower downloads cancelled")


asyncio.run(main())
