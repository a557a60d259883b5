# Nested TaskGroups and children that start more children.
import asyncio

async def leaf(path, delay):
    await asyncio.sleep(delay)
    print("leaf", path, "at", asyncio.get_running_loop().time())
    return path

async def branch(name, tg_outer):
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(leaf(name + ".a", 0.5))
        b = tg.create_task(leaf(name + ".b", 0.25))
    extra = tg_outer.create_task(leaf(name + ".extra", 1))
    print("branch", name, "done:", a.result(), b.result())
    return extra

async def main():
    async with asyncio.TaskGroup() as outer:
        t1 = outer.create_task(branch("x", outer))
        t2 = outer.create_task(branch("y", outer))
    print("all done at", asyncio.get_running_loop().time())
    print(t1.result().result(), t2.result().result())

asyncio.run(main())
