# Task names: Task-1 is the main task; create_task(name=...), set_name, current_task.
import asyncio

async def child(delay):
    me = asyncio.current_task()
    print("child running as", me.get_name())
    await asyncio.sleep(delay)
    return me.get_name()

async def main():
    main_task = asyncio.current_task()
    print("main is", main_task.get_name(), main_task.done())
    t2 = asyncio.create_task(child(1))
    t3 = asyncio.create_task(child(0.5), name="fetcher")
    t4 = asyncio.create_task(child(0.2))
    t4.set_name("renamed")
    print([t.get_name() for t in (t2, t3, t4)])
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    print(t2.done(), t3.done())
    results = await asyncio.gather(t2, t3, t4)
    print(results, t2.done(), t2.result(), t3.exception())
    print(await asyncio.gather(child(0), child(0)))
    t7 = asyncio.create_task(child(0))
    print("next automatic name:", t7.get_name())
    await t7
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    t8 = asyncio.create_task(child(0), name=42)
    print(repr(t8.get_name()))
    await t8
    print(asyncio.current_task() is main_task)

asyncio.run(main())
