# One `self.x = ...` statement run many times while what it stores into changes: other classes
# at the same statement, a property or a __setattr__ added to the class (or a base) later and
# removed again, the attribute deleted from the instance between stores, a fresh instance dict,
# and collections in between (the statement remembers where it stored last).
import asyncio


class Point:
    def __init__(self, x):
        self.x = x


class Other:
    pass


def store(obj, value):
    obj.x = value  # the statement under test
    return getattr(obj, "x", "(none)")


def show(obj):
    return [(n, getattr(obj, n)) for n in ("x", "y", "z", "count", "other") if hasattr(obj, n)]


p = Point(1)
o = Other()
for round_ in range(8):
    print(round_, store(p, round_ * 10), store(o, -round_), show(p), show(o))
    if round_ == 1:
        Point.x = property(lambda self: "prop", lambda self, v: print("  setter got", v))
    elif round_ == 2:
        del Point.x
        del p.x
    elif round_ == 3:
        def hook(self, name, value):
            print("  __setattr__", name, value)
            object.__setattr__(self, name, value * 2)
        Point.__setattr__ = hook
    elif round_ == 4:
        del Point.__setattr__
        del p.x
    elif round_ == 5:
        p = Point(99)
    elif round_ == 6:
        p.y = "y"
        p.z = "z"
        del p.y


class Counter:
    def __init__(self):
        self.count = 0
        self.other = "o"

    def bump(self):
        self.count += 1
        return self.count


async def worker(c, n):
    for i in range(n):
        c.bump()
        if i % 7 == 0:
            junk = [str(j) * 3 for j in range(200)]
            del junk
        await asyncio.sleep(0)
    return c.count


async def main():
    cs = [Counter() for _ in range(3)]
    del cs[1].other
    print(await asyncio.gather(*(worker(c, 20 + i) for i, c in enumerate(cs))))
    print([show(c) for c in cs])


asyncio.run(main())
