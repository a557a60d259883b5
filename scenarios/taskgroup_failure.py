# lesson: a failing TaskGroup child cancels its siblings; the group raises ExceptionGroup
# Watch the orders task fail at 2 s. The group at once cancels the stock task, which is
# still sleeping, waits for it to finish, and only then leaves the `async with` block by
# raising an ExceptionGroup that holds the error.
import asyncio


async def fetch(name, seconds, fail=False):
    try:
        await asyncio.sleep(seconds)
        if fail:
            raise ConnectionError(f"{name} service is down")  # pause: one child fails
        print(f"{name}: ok")
        return name
    except asyncio.CancelledError:
        print(f"{name}: cancelled")  # pause: the group cancels the siblings
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch("users", 1))
            group.create_task(fetch("orders", 2, fail=True))
            group.create_task(fetch("stock", 3))
        print("not reached: the group raises")
    except ExceptionGroup as errors:
        for error in errors.exceptions:
            print(f"caught {error!r}")


asyncio.run(main())
