# asyncio.wait with a timeout does not raise; it returns what is done so far.
import asyncio

async def job(n):
    await asyncio.sleep(n)
    return n

async def main():
    tasks = [asyncio.create_task(job(n)) for n in (1, 2, 3, 4)]
    done, pending = await asyncio.wait(tasks, timeout=2.5)
    print(sorted(t.result() for t in done), len(pending), asyncio.get_running_loop().time())
    done, pending = await asyncio.wait(pending, timeout=0.5)
    print(len(done), len(pending), asyncio.get_running_loop().time())
    done, pending = await asyncio.wait(pending, timeout=10)
    print(sorted(t.result() for t in done), len(pending), asyncio.get_running_loop().time())
    try:
        await asyncio.wait([])
    except ValueError as e:
        print("ValueError:", e)

asyncio.run(main())
