# Producer/consumer with a bounded queue; workers cancelled at the end.
import asyncio

async def producer(q, name, items):
    for i in range(items):
        item = f"{name}-{i}"
        await q.put(item)
        print(f"{asyncio.get_running_loop().time():4.1f} {name} put {item} (size {q.qsize()})")
        await asyncio.sleep(0.1)
    print(f"{name} finished producing")

async def worker(q, name, results):
    try:
        while True:
            item = await q.get()
            await asyncio.sleep(0.35)
            results.append((name, item))
            print(f"{asyncio.get_running_loop().time():4.1f} {name} handled {item}")
            q.task_done()
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise

async def main():
    q = asyncio.Queue(maxsize=3)
    results = []
    workers = [asyncio.create_task(worker(q, f"w{i}", results)) for i in range(2)]
    await asyncio.gather(producer(q, "p", 6), producer(q, "r", 3))
    await q.join()
    print("queue drained at", round(asyncio.get_running_loop().time(), 2))
    for w in workers:
        w.cancel()
    outcome = await asyncio.gather(*workers, return_exceptions=True)
    print([type(o).__name__ for o in outcome])
    print(len(results), sorted(item for _, item in results))
    print({name: sum(1 for n, _ in results if n == name) for name in ["w0", "w1"]})

asyncio.run(main())
