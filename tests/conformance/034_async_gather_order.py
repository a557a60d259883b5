# gather: children start in argument order; results keep argument order.
import asyncio

async def job(name, delay, value):
    print(f"start {name}")
    await asyncio.sleep(delay)
    print(f"end {name} after {delay}")
    return value

async def quick(name):
    print(f"quick {name} runs without suspending")
    return name.upper()

async def main():
    results = await asyncio.gather(job("a", 3, 1), job("b", 1, 2), job("c", 2, 3))
    print("results", results)
    results = await asyncio.gather(quick("x"), job("y", 0, "Y"), quick("z"))
    print("results", results)
    print("empty gather", await asyncio.gather())
    nested = await asyncio.gather(
        asyncio.gather(job("n1", 1, "n1"), job("n2", 0.5, "n2")),
        job("n3", 0.75, "n3"),
    )
    print("nested", nested)
    coros = [job(f"w{i}", (5 - i) * 0.1, i * i) for i in range(5)]
    print("from list", await asyncio.gather(*coros))
    t = asyncio.create_task(job("task", 0.2, "T"))
    print("mixed", await asyncio.gather(t, job("coro", 0.1, "C")))

asyncio.run(main())
