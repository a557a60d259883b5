# lesson: a bounded Queue makes a fast producer wait for slow workers (back-pressure)
# Watch the producer stop at queue.put while two items are waiting, and go on only when
# a worker takes one. main waits on queue.join until every item is marked done, then
# cancels the workers, which would otherwise wait on queue.get forever.
import asyncio
import time

START = time.perf_counter()


def now():
    return f"{time.perf_counter() - START:.0f} s"


async def producer(queue):
    for item in range(1, 6):
        await queue.put(item)  # pause: with the queue full, the producer waits here
        print(f"{now()}: put {item}, queue holds {queue.qsize()}")


async def worker(name, queue):
    while True:
        item = await queue.get()  # pause: an idle worker waits here for the next item
        print(f"{now()}: {name} takes {item}")
        await asyncio.sleep(1)  # processing is slow
        print(f"{now()}: {name} finished {item}")
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=2)
    workers = [
        asyncio.create_task(worker(f"worker-{n}", queue), name=f"worker-{n}")
        for n in (1, 2)
    ]
    await producer(queue)
    await queue.join()  # pause: returns once task_done was called for every item
    for task in workers:
        task.cancel()  # pause: the workers loop forever, so main stops them
    await asyncio.gather(*workers, return_exceptions=True)
    print(f"{now()}: all items processed, workers stopped")


asyncio.run(main())
