# Classes changed after their attributes were looked up: reassigned, deleted and added methods
# and attributes (on the class and on a base), dunders added later, names built at run time.
import asyncio


class Base:
    kind = "base"

    def who(self):
        return "Base.who"


class Child(Base):
    pass


c = Child()
for round_ in range(3):
    print(round_, c.kind, c.who(), getattr(c, "extra", "no extra"), bool(c))
    if round_ == 0:
        Child.kind = "child"
        Base.extra = "added to Base"
        Child.who = lambda self: "Child.who"
        Child.__bool__ = lambda self: False
    elif round_ == 1:
        del Child.kind
        del Child.who
        del Child.__bool__
        Base.who = lambda self: "Base.who v2"
        Base.__len__ = lambda self: 0

Base.size = property(lambda self: 42)
print(c.size, len(c), bool(c))


async def dynamic(n):
    found = []
    for i in range(n):
        name = "attr_" + str(i % 5)
        setattr(Base, name, i)
        found.append(getattr(c, name))
        junk = [str(j) * 3 for j in range(300)]
        await asyncio.sleep(0)
    return found, len(junk)

print(asyncio.run(dynamic(12)))
