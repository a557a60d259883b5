# A class body may name its own module and qualified name; the class, its instances and its
# exceptions show them (asyncio's own classes do this: asyncio.queues.Queue).
class Plain:
    pass


class Moved:
    __module__ = "shop.models"

    def method(self):
        return "method"


class Renamed:
    __qualname__ = "Outer.Renamed"
    __module__ = "pkg"


class Oops(Exception):
    __module__ = "errors"


for cls in (Plain, Moved, Renamed, Oops):
    print(cls, cls.__module__, cls.__qualname__, cls.__name__)
print(repr(Moved())[:24], Moved().method(), Moved.method.__qualname__)
try:
    raise Oops("bad")
except Oops as e:
    print(type(e), repr(e))
Moved.__module__ = "elsewhere"
print(Moved, Moved.__module__)
