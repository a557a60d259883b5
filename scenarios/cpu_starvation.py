# lesson: CPU-bound code that never awaits starves other tasks; sleep(0) shares the loop
# Watch the heartbeat task. In the greedy round the cruncher runs all its chunks in one
# step, and the heartbeat only gets the loop when the crunching is over. In the fair
# round the cruncher yields after each chunk, and the two tasks take turns.
import asyncio


def crunch(chunk):
    """Pure computation: no await inside, so the loop cannot interrupt it."""
    return sum(i * i for i in range(chunk * 1000, (chunk + 1) * 1000))


async def greedy_cruncher():
    total = 0
    for chunk in range(3):
        total += crunch(chunk)  # pause: one long step; every other task waits
        print(f"  cruncher: chunk {chunk} done")
    return total


async def fair_cruncher():
    total = 0
    for chunk in range(3):
        total += crunch(chunk)
        print(f"  cruncher: chunk {chunk} done")
        await asyncio.sleep(0)  # pause: a bare yield; the heartbeat gets a turn
    return total


async def heartbeat():
    for beat in range(3):
        print(f"  heartbeat {beat}")
        await asyncio.sleep(0)


async def main():
    print("greedy:")
    await asyncio.gather(greedy_cruncher(), heartbeat())
    print("fair:")
    total, _ = await asyncio.gather(fair_cruncher(), heartbeat())
    print(f"sum of squares below 3000: {total}")


asyncio.run(main())
