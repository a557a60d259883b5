# Generator expressions: laziness, consumption by builtins, exhaustion.
def noisy(n):
    print("produce", n)
    return n

g = (noisy(i) * 2 for i in range(3))
print("created")
print(next(g))
print("between")
print(list(g))
print(list(g))
print(sum(x * x for x in range(10)), max(len(w) for w in ["a", "abc", "ab"]))
print(any(noisy(x) > 1 for x in range(5)))
print(all(noisy(x) < 1 for x in range(5)))
print(min((x for x in [4, -2, 7]), key=abs), sorted(x % 3 for x in range(6)))
squares = (n * n for n in range(5))
for s in squares:
    if s > 4:
        break
    print("sq", s)
print(next(squares), next(squares, "done"), next(squares, "done"))
print(tuple(c for c in "abc"), dict((k, k * 2) for k in "xy"), set(x // 3 for x in range(7)))
print(", ".join(str(n) for n in range(4)), sum(1 for _ in "hello"))
nested = ((i, j) for i in range(2) for j in range(2) if i <= j)
print(list(nested))
