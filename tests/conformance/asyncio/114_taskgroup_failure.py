# TaskGroup: a failing child cancels its siblings; the group raises ExceptionGroup.
import asyncio

async def worker(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
        if fail:
            print(f"{name} raising at {asyncio.get_running_loop().time()}")
            raise ValueError(f"{name} broke")
        print(f"{name} done")
        return name
    except asyncio.CancelledError:
        print(f"{name} cancelled at {asyncio.get_running_loop().time()}")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("a", 1))
            tg.create_task(worker("b", 2, fail=True))
            tg.create_task(worker("c", 3))
            tg.create_task(worker("d", 2, fail=True))
            print("body waiting")
        print("not reached")
    except ExceptionGroup as eg:
        print("caught:", eg)
        print("message:", eg.message)
        print("sub-exceptions:", eg.exceptions)
        print([type(e).__name__ for e in eg.exceptions], [str(e) for e in eg.exceptions])
    print("time", asyncio.get_running_loop().time())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("e", 5))
            await asyncio.sleep(1)
            raise KeyError("body failed")
    except ExceptionGroup as eg:
        print("body error wrapped too:", eg, eg.exceptions, asyncio.get_running_loop().time())
    except KeyError as e:
        print("not reached in 3.11:", repr(e))

asyncio.run(main())
