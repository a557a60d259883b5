# Method calls (obj.name(args)) in every form the callee can take: methods found on the class,
# shadowed by the instance, static and class methods, properties returning callables, callables
# stored on instances, __getattr__, builtin methods, super(), modules, coroutine methods.
import asyncio


class Base:
    greeting = "hello"

    def greet(self, who):
        return f"{self.greeting} {who} from {type(self).__name__}"

    @staticmethod
    def twice(x):
        return x * 2

    @classmethod
    def make(cls, n):
        return f"{cls.__name__}({n})"

    @property
    def action(self):
        return lambda y: f"action {y}"

    async def fetch(self, n):
        await asyncio.sleep(0.1 * n)
        return self.twice(n)


class Child(Base):
    greeting = "hi"

    def greet(self, who):
        return "child: " + super().greet(who)


class Dynamic:
    def __getattr__(self, name):
        if name.startswith("do_"):
            return lambda *a: (name, a)
        raise AttributeError(name)


def shout(text):
    return text.upper() + "!"


c = Child()
print(c.greet("you"))
print(Base.greet(c, "class call"))
print(c.twice(21), Child.twice(4))
print(c.make(3), Child.make(5))
print(c.action("now"))

# an instance attribute shadows the method of the same name
c.greet = shout
print(c.greet("shadowed"))
del c.greet
print(c.greet("restored"))

# a function stored on an instance is not bound
o = Base()
o.callback = lambda *args: len(args)
print(o.callback(1, 2, 3))

d = Dynamic()
print(d.do_it(1, 2))
try:
    d.nothing()
except AttributeError as e:
    print("AttributeError", e)

# builtin methods
items = [3, 1, 2]
items.append(0)
items.sort()
print(items, "a-b-c".split("-"), {"k": 1}.get("k"), (255).bit_length(), "x".join(["1", "2"]))
try:
    items.no_such_method()
except AttributeError as e:
    print(e)

# a method that is replaced on the class after it was called once
class Counter:
    def step(self):
        return 1

k = Counter()
print(k.step())
Counter.step = lambda self: 2
print(k.step())

# bound methods made explicitly still work
m = k.step
print(m())


async def main():
    results = await asyncio.gather(c.fetch(2), o.fetch(1))
    print(results)
    print(await asyncio.wait_for(c.fetch(1), timeout=1))

asyncio.run(main())
