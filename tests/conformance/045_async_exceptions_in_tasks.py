# Exceptions inside tasks: caught where awaited, try/finally across awaits.
import asyncio

class JobError(Exception):
    def __init__(self, job, reason):
        super().__init__(f"job {job}: {reason}")
        self.job = job

async def job(n):
    try:
        print(f"job {n} start")
        await asyncio.sleep(n * 0.5)
        if n % 2:
            raise JobError(n, "odd number")
        return n
    finally:
        print(f"job {n} cleanup at {asyncio.get_running_loop().time()}")
        await asyncio.sleep(0.1)
        print(f"job {n} cleanup done")

async def main():
    tasks = [asyncio.create_task(job(n)) for n in range(4)]
    for t in tasks:
        try:
            print("result", await t)
        except JobError as e:
            print("failed:", e, "| job attr:", e.job)
    try:
        await job(5)
    except JobError as e:
        print("direct await failed:", repr(e))
    async def guarded(n):
        try:
            return await job(n)
        except JobError:
            return -1
    print(await asyncio.gather(guarded(1), guarded(2), guarded(3)))

asyncio.run(main())
