# One call site (obj.name(...)) that sees the same method many times, then everything that must
# make it look again: the instance dict shadowing the method (on an instance whose dict was empty,
# and on one that had attributes), the shadow removed, the method replaced or deleted on the
# class, a base class changed, another class at the same site, __getattr__ behind a missing
# method. Also `is` and `is not` on None and on other values.


class Counter:
    def step(self, n):
        return n + 1


class Other:
    def step(self, n):
        return n * 10


class Sub(Counter):
    pass


class Fallback:
    def __getattr__(self, name):
        return lambda n: f"fallback {name} {n}"


def call_step(obj, n):
    return obj.step(n)  # the site under test


def run(label, obj, n=3):
    try:
        print(label, call_step(obj, n))
    except AttributeError as e:
        print(label, "AttributeError", e)


empty = Counter()
full = Counter()
full.a = 1
full.b = 2
for i in range(5):
    run("warm", empty if i % 2 else full, i)

empty.step = lambda n: f"shadow on empty {n}"
run("shadow empty", empty)
run("other instance", full)
full.step = lambda n: f"shadow on full {n}"
run("shadow full", full)
del empty.step
run("unshadowed", empty)
del full.step
run("unshadowed full", full)

run("another class", Other())
run("subclass", Sub())
run("back", empty)

Counter.step = lambda self, n: f"replaced {n}"
run("replaced", empty)
run("replaced via subclass", Sub())


def sub_step(self, n):
    return f"Sub's own {n}"


Sub.step = sub_step
run("subclass own", Sub())
del Sub.step
run("subclass inherits again", Sub())
del Counter.step
run("deleted", empty)
run("deleted via subclass", Sub())
run("fallback", Fallback())
Counter.step = Other.step
run("restored from Other", empty)

# a class attribute that is not a function: called as it is
Counter.step = staticmethod(lambda n: f"static {n}")
run("static", empty)
Counter.step = classmethod(lambda cls, n: f"classmethod {cls.__name__} {n}")
run("classmethod", empty)

# swapping an instance's class
empty.__class__ = Other
run("class swapped", empty)

for a, b in [(None, None), (None, 0), (0, None), (1, 1), (1, 1.0), ("x", None), (empty, empty),
             (empty, full), (True, 1), (False, None), ((), None)]:
    print(repr(a)[:12], repr(b)[:12], a is b, a is not b, a is None, b is not None)


# what __class__ cannot be set to
class MyError(Exception):
    pass


class OwnNew(Counter):
    def __new__(cls):
        return super().__new__(cls)


full.__class__ = OwnNew
print(type(full).__name__, isinstance(full, Counter))
for target in [3, int, object, MyError, "Counter"]:
    try:
        full.__class__ = target
    except TypeError as e:
        print("TypeError", e)
print(type(full).__name__)
