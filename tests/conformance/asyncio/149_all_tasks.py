# all_tasks() and current_task() at different moments (names, sorted).
import asyncio

async def short(n):
    await asyncio.sleep(n)

def names():
    return sorted(t.get_name() for t in asyncio.all_tasks())

def from_callback():
    print("current task in a plain callback:", asyncio.current_task())
    print("tasks seen from a callback:", names())

async def main():
    print(names())
    a = asyncio.create_task(short(1), name="one")
    b = asyncio.create_task(short(2), name="two")
    print(names())
    asyncio.get_running_loop().call_later(0.5, from_callback)
    await asyncio.sleep(1.5)
    print(names(), a.done(), b.done())
    await b
    print(names())
    print(asyncio.current_task().get_name(), len(asyncio.all_tasks()))

asyncio.run(main())
