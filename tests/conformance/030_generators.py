# Generators: def with yield, lazy steps, return, exhaustion, pipelines.
def countdown(n):
    print("  start countdown", n)
    while n > 0:
        print("  yielding", n)
        yield n
        n -= 1
    print("  countdown done")

g = countdown(3)
print("generator created:", type(g).__name__)
print(next(g))
print(next(g))
for v in g:
    print("loop got", v)
print(next(g, "exhausted"))

def with_return():
    yield 1
    return "the result"

w = with_return()
print(next(w))
try:
    next(w)
except StopIteration as e:
    print("StopIteration:", repr(e))

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

out = []
for f in fib():
    if f > 100:
        break
    out.append(f)
print(out)

def evens(src):
    for x in src:
        if x % 2 == 0:
            yield x

def squared(src):
    for x in src:
        yield x * x

print(list(squared(evens(range(10)))), sum(squared(range(4))))

def interleave(a, b):
    for x, y in zip(a, b):
        yield x
        yield y

print(list(interleave("abc", [1, 2, 3])))

def gen_with_finally():
    try:
        yield "first"
        yield "second"
    finally:
        print("  generator cleanup")

for item in gen_with_finally():
    print("item", item)

def empty():
    return
    yield

print(list(empty()), list(countdown(0)))
g1 = countdown(2)
g2 = countdown(2)
print(next(g1), next(g2), next(g1), next(g2))
print(sorted(countdown(3)), max(x for x in countdown(2)))
def nested_gen():
    for i in range(3):
        for j in range(i):
            yield (i, j)
print(list(nested_gen()), dict(((i, j), i * j) for i, j in nested_gen()))
