# Barrier (3.11): parties wait for each other; wait() returns an index;
# abort() and reset() break waiting parties with BrokenBarrierError.
import asyncio

async def runner(barrier, name, delay):
    await asyncio.sleep(delay)
    print(name, "arrives at", asyncio.get_running_loop().time(), "waiting:", barrier.n_waiting)
    index = await barrier.wait()
    print(name, "passes with index", index, "at", asyncio.get_running_loop().time())
    return index

async def main():
    barrier = asyncio.Barrier(3)
    print(barrier.parties, barrier.n_waiting, barrier.broken)
    results = await asyncio.gather(*(runner(barrier, f"r{i}", d) for i, d in enumerate([1, 0.5, 2])))
    print(sorted(results), barrier.n_waiting)
    async with barrier as pos:
        pass
    print("unreachable with one party")

async def with_abort():
    b = asyncio.Barrier(2)
    async def lonely():
        try:
            await b.wait()
        except asyncio.BrokenBarrierError as e:
            print("lonely broken:", repr(e), b.broken)
    t = asyncio.create_task(lonely())
    await asyncio.sleep(1)
    await b.abort()
    await t
    try:
        await b.wait()
    except asyncio.BrokenBarrierError as e:
        print("wait on a broken barrier:", e)
    await b.reset()
    print("after reset broken:", b.broken)
    async def pair(n):
        async with b as idx:
            return (n, idx)
    print(sorted(await asyncio.gather(pair("x"), pair("y"))))
    r = asyncio.create_task(b.wait())
    await asyncio.sleep(0)
    print("one waiting:", b.n_waiting)
    await b.reset()
    try:
        await r
    except asyncio.BrokenBarrierError as e:
        print("reset broke the waiter:", e, b.broken)
    try:
        asyncio.Barrier(0)
    except ValueError as e:
        print("ValueError:", e)
    print(issubclass(asyncio.BrokenBarrierError, RuntimeError))

asyncio.run(with_abort())
try:
    asyncio.run(asyncio.wait_for(main(), 10))
except TimeoutError:
    print("the last barrier never filled")
