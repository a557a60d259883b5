# A three-stage pipeline joined by queues, shut down with sentinels and an Event.
import asyncio

STOP = None

async def reader(out_q, lines):
    for line in lines:
        await asyncio.sleep(0.2)
        await out_q.put(line)
        print(f"{asyncio.get_running_loop().time():.1f} read {line!r}")
    await out_q.put(STOP)

async def parser(in_q, out_q):
    while True:
        line = await in_q.get()
        if line is STOP:
            await out_q.put(STOP)
            return "parser stopped"
        words = line.split()
        await asyncio.sleep(0.05 * len(words))
        await out_q.put((line, len(words)))

async def writer(in_q, done, totals):
    while True:
        item = await in_q.get()
        if item is STOP:
            done.set()
            return "writer stopped"
        line, count = item
        totals[line] = count
        print(f"{asyncio.get_running_loop().time():.2f} wrote {count} words")

async def monitor(done):
    ticks = 0
    while not done.is_set():
        try:
            await asyncio.wait_for(done.wait(), 0.5)
        except TimeoutError:
            ticks += 1
            print(f"monitor tick {ticks}")
    return f"monitor saw {ticks} ticks"

async def main():
    q1, q2 = asyncio.Queue(2), asyncio.Queue(2)
    done = asyncio.Event()
    totals = {}
    lines = ["the quick brown fox", "jumps", "over the lazy dog", "", "end of text"]
    print(await asyncio.gather(reader(q1, lines), parser(q1, q2), writer(q2, done, totals), monitor(done)))
    print(totals, sum(totals.values()))

asyncio.run(main())
