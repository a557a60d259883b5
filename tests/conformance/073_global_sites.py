# One global-reading statement run many times while the globals change under it: a builtin
# shadowed by a global and uncovered again, a global rebound, deleted and redefined, and
# collections in between (the statement remembers where it found the name). The same for a
# module attribute: asyncio.sleep replaced, deleted and put back.
import asyncio


def use():
    return len("abc"), counter  # the statements under test read len and counter


counter = 0
for round_ in range(7):
    try:
        print(round_, use())
    except NameError as e:
        print(round_, "NameError:", e)
    if round_ == 0:
        counter = 10
    elif round_ == 1:
        def len(x):  # noqa: A001
            return "shadowed"
    elif round_ == 2:
        del len
        counter += 1
    elif round_ == 3:
        del counter
    elif round_ == 4:
        globals_made = [str(i) for i in range(50)]
        counter = "back"


async def reader(n):
    seen = []
    for i in range(n):
        seen.append(type(counter).__name__)
        junk = [str(j) * 3 for j in range(200)]
        del junk
        await asyncio.sleep(0)
    return seen


async def main():
    global counter
    task = asyncio.create_task(reader(4))
    await asyncio.sleep(0)
    counter = 1.5
    await asyncio.sleep(0)
    counter = None
    print(await task)


asyncio.run(main())

real_sleep = asyncio.sleep


def which_sleep():
    try:
        return asyncio.sleep.__name__  # the statement under test
    except AttributeError as e:
        return "AttributeError: " + str(e)


for round_ in range(5):
    print(round_, which_sleep())
    if round_ == 0:
        async def fake_sleep(delay):
            return "fake"
        asyncio.sleep = fake_sleep
    elif round_ == 1:
        del asyncio.sleep
    elif round_ == 2:
        asyncio.sleep = real_sleep
        asyncio.extra = 1
print(asyncio.run(asyncio.sleep(0, "result")))
