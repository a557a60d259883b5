# Tuple/list unpacking, starred targets, swaps, unpacking in for loops.
a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
[p, q] = [10, 20]
(r, s) = (30, 40)
print(p, q, r, s)
(a1, (b1, c1)), d1 = (1, (2, 3)), 4
print(a1, b1, c1, d1)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = (1, 2, 3, 4)
print(init, last)
head, *mid, tail = "abcdef"
print(head, mid, tail)
one, *none = [1]
print(one, none)
*everything, = range(3)
print(everything)
for i, (k, v) in enumerate({"a": 1, "b": 2}.items()):
    print(i, k, v)
for n, *more in [(1, 2, 3), (4,), (5, 6)]:
    print(n, more)
m = n2 = 7
print(m, n2)
lst = [0, 0, 0]
lst[0], lst[2] = "L", "R"
print(lst)
i = 0
i, lst[i] = 1, "set"
print(i, lst)
try:
    u, v = [1, 2, 3]
except ValueError as e:
    print("ValueError:", e)
try:
    u, v, w = [1, 2]
except ValueError as e:
    print("ValueError:", e)
try:
    u, *v, w = [1]
except ValueError as e:
    print("ValueError:", e)
def f(*args, **kwargs):
    return args, kwargs
print(f(*[1, 2], *(3,), **{"k": 4}, **dict(j=5)))
print([*range(3), *"ab"], (*[1], 2), {**{"a": 1}, "b": 2, **{"a": 3}})
print(*[1, 2, 3], sep="-")
