# while/for with else, break, continue; range, enumerate, zip, reversed, iter/next.
i = 0
while i < 5:
    i += 1
    if i == 2:
        continue
    print("while", i)
else:
    print("while else runs (no break)")
n = 0
while True:
    n += 1
    if n > 3:
        break
else:
    print("not printed")
print("n =", n)
for p in range(2, 20):
    for d in range(2, p):
        if p % d == 0:
            break
    else:
        print(p, "is prime")
for x in []:
    print("never")
else:
    print("empty for: else runs")
print(list(range(5)), list(range(2, 8)), list(range(10, 0, -3)), list(range(0)), list(range(5, 2)))
print(list(range(-5, 5, 4)), len(range(0, 100, 7)), range(3)[1], list(reversed(range(4))))
for idx, ch in enumerate("abc"):
    print(idx, ch)
for idx, ch in enumerate("xy", start=10):
    print(idx, ch)
print(list(enumerate([5, 6], 1)), list(zip([1, 2, 3], "ab")), list(zip()), list(zip(range(3), range(3, 6), "xyz")))
names, ages = ["a", "b"], [1, 2]
for name, age in zip(names, ages):
    print(name, age)
print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed((1,))))
it = iter([10, 20, 30])
print(next(it), next(it), next(it), next(it, "exhausted"))
try:
    next(it)
except StopIteration as e:
    print("StopIteration", repr(e))
it2 = iter("hi")
for c in it2:
    print("char", c)
print(list(it2))
grid = ""
for r in range(3):
    for c in range(4):
        if c == r:
            continue
        if c > 2:
            break
        grid += f"({r},{c})"
    grid += "/"
print(grid)
countdown = 3
while countdown:
    print("T-minus", countdown)
    countdown -= 1
total = 0
for k in range(1, 101):
    total += k
print("sum 1..100 =", total)
d = {"a": 1, "b": 2}
for key in d:
    print(key, end=" ")
print()
for item in iter(d.items()):
    print(item)
