# lambda, sorted/min/max with key and reverse, sort stability.
square = lambda x: x * x
add = lambda a, b=10: a + b
print(square(7), add(1), add(1, 2), (lambda: "no args")(), (lambda *a: len(a))(1, 2, 3))
people = [("Ann", 31), ("bob", 25), ("Cid", 31), ("dee", 19), ("Eve", 25)]
print(sorted(people))
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: p[1], reverse=True))
print(sorted(people, key=lambda p: p[0].lower(), reverse=True))
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(min(people, key=lambda p: p[1]), max(people, key=lambda p: p[1]))
print(sorted("Banana"), sorted("banana", reverse=True), sorted([3.5, -1, 2]))
print(sorted({3: "c", 1: "a", 2: "b"}), sorted([]), sorted((5, 4)), sorted(range(3), reverse=True))
words = ["kiwi", "fig", "apple", "date", "plum"]
print(sorted(words, key=len), sorted(words, key=len, reverse=True))
print(max(words), min(words), max(words, key=len), min(words, key=len))
print(max(3, 8, 1), min(3, 8, 1), max([1, 5], [1, 4]), min("bca"), max(-1, -1.5))
print(max([], default="empty"), min((), default=0), max([2], default=9))
compose = lambda f, g: lambda x: f(g(x))
inc_then_square = compose(square, lambda x: x + 1)
print(inc_then_square(4), [square(n) for n in range(4)], type(square).__name__)
ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
for sym, fn in ops.items():
    print(6, sym, 3, "=", fn(6, 3))
print(sorted([-3, 2, -1, 0], key=abs), sorted([-3, 2, -1, 0], key=lambda v: v * v, reverse=True))
