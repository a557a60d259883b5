# Assigning __class__: instances and exceptions of user classes swap classes; a builtin class on
# either side, a non-class or another layout is a TypeError, and __class__ cannot be deleted.
class A(Exception):
    pass
class B(Exception):
    pass
class C:
    pass
e = A("x")
e.__class__ = B
print(type(e).__name__, repr(e))
for target in [ValueError, C, 5]:
    try:
        e.__class__ = target
    except TypeError as err:
        print("TypeError", err)
v = ValueError("y")
try:
    v.__class__ = A
except TypeError as err:
    print("TypeError", err)
c = C()
try:
    c.__class__ = A
except TypeError as err:
    print("TypeError", err)
try:
    del c.__class__
except TypeError as err:
    print("TypeError", err)
print(type(c).__name__)
try:
    raise e
except B as caught:
    print("caught as B:", caught)
try:
    object().__class__ = C
except TypeError as err:
    print("TypeError", err)

# deleting __class__: a TypeError for every kind, unless a __delattr__ of the class's own runs
import asyncio


def f():
    pass


for o in [f, C, 1, "s", [1], asyncio, C()]:
    try:
        del o.__class__
    except (TypeError, AttributeError) as err:
        print(type(o).__name__, type(err).__name__, err)


class H:
    def __delattr__(self, name):
        print("hook deletes", name)


del H().__class__
