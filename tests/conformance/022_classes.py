# Classes: __init__, methods, class attributes, __str__ and __repr__.
class Point:
    dims = 2
    count = 0

    def __init__(self, x, y=0):
        self.x = x
        self.y = y
        Point.count += 1

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def moved(self, dx, dy=0):
        return Point(self.x + dx, self.y + dy)

    def __repr__(self):
        return f"Point({self.x!r}, {self.y!r})"

class Named:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return f"<{self.name}>"

    def __repr__(self):
        return f"Named({self.name!r})"

p = Point(3, 4)
q = p.moved(1)
print(p, q, p.norm2(), q.x, q.y, Point.count, p.count, Point.dims)
print([p, q], (p,), {"p": p}, str(p), repr(q))
n = Named("ann")
print(n, str(n), repr(n), [n], f"{n}", f"{n!r}", f"{n!s:>8}|")
p.dims = 3
print(p.dims, q.dims, Point.dims)
Point.dims = 5
print(p.dims, q.dims, Point(0).dims)
print(type(p).__name__, type(Point).__name__, isinstance(p, Point), isinstance(n, Point))
p.extra = "dynamic"
print(p.extra)

class Stack:
    def __init__(self):
        self.items = []

    def push(self, v):
        self.items.append(v)
        return self

    def pop(self):
        return self.items.pop()

    def size(self):
        return len(self.items)

    def is_empty(self):
        return len(self.items) == 0

s = Stack()
s.push(1).push(2).push(3)
print(s.pop(), s.size(), s.is_empty(), s.items)

class Temperature:
    scale = "C"

    def __init__(self, degrees):
        self.degrees = degrees

    def to_f(self):
        return self.degrees * 9 / 5 + 32

    def describe(self):
        return f"{self.degrees}{self.scale} = {self.to_f():.1f}F"

temps = [Temperature(d) for d in (-40, 0, 37, 100)]
for t in temps:
    print(t.describe())
method = temps[1].describe
print(method())
