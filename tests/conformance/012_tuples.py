# Tuples: displays including the one-element form, packing and nesting.
t = (1, 2, 3)
print(t, (), (1,), ("a",), ((1,),), (1, (2, (3,))), tuple(), tuple([4, 5]))
print(tuple("ab"), tuple(range(3)), len(t), t[0], t[-1], t[1:], t[::-1])
u = 4, 5
print(u, type(u).__name__, t + u, u * 2, (0,) * 3)
print((1, 2) < (1, 3), (1, 2, 3) > (1, 2), (1,) == (1,), () == ())
one = 7,
print(one, len(one))
nested = ((1, "a"), (2, "b"))
for num, letter in nested:
    print(num, letter)
print([(i, i * i) for i in range(3)])
print(("x", 1.5, None, True, [1]))
d = {(1, 2): "pair", (): "empty"}
print(d[(1, 2)], d[()], d)
def minmax(xs):
    return min(xs), max(xs)
lo, hi = minmax([4, 8, 1])
print(lo, hi, minmax([2]))
