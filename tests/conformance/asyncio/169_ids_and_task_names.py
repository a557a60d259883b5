# id() stays the same for a live object across collections and differs between
# live objects; default task names are numbered in creation order and made only
# when asked for (get_name, repr, set_name).
import asyncio


class Box:
    pass


async def worker(i):
    await asyncio.sleep(i / 10)
    return i


async def main():
    keep = [Box() for _ in range(2000)]
    before = [id(b) for b in keep]
    for round_ in range(20):
        junk = [Box() for _ in range(5000)]
        seen = {id(j) for j in junk}
        assert len(seen) == len(junk)
        await asyncio.sleep(0)
    after = [id(b) for b in keep]
    print("ids kept:", before == after, "distinct:", len(set(after)) == len(keep))
    tasks = [asyncio.create_task(worker(i)) for i in range(5)]
    print([t.get_name() for t in tasks[:2]])
    tasks[2].set_name("third")
    print(tasks[2].get_name(), repr(tasks[3])[:28])
    print(await asyncio.gather(*tasks))
    print(tasks[4].get_name(), asyncio.current_task().get_name())
    named = asyncio.create_task(worker(0), name=7)
    print(repr(named.get_name()), asyncio.create_task(worker(0)).get_name())
    await asyncio.sleep(1)


asyncio.run(main())
