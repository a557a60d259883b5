# Identity and membership.
a = [1, 2, 3]
b = a
c = [1, 2, 3]
print(a is b, a is c, a == c, a is not c, b is not a)
x = None
print(x is None, x is not None, None is None, True is True, (x is None) is True)
print(2 in a, 5 in a, 5 not in a, not 2 in a)
print("ell" in "hello", "z" in "hello", "" in "", "H" in "hello")
d = {"k": 1, "j": 2}
print("k" in d, 1 in d, "z" not in d, "k" in d.keys(), 2 in d.values())
t = (1, "two", 3.0, None)
print("two" in t, 3 in t, None in t, 4 in t)
r = range(0, 20, 3)
print(9 in r, 10 in r, 18 in r, 21 in r, -3 in r)
s = {1, 2, 3}
print(2 in s, 4 in s, 4 not in s)
print([1, 2] in [[1, 2], [3]], (1, 2) in [[1, 2]], 1.0 in [1], True in [1])
nested = [[1, 2], [3, 4]]
print(any(3 in row for row in nested), [4 in row for row in nested])

class Box:
    pass

b1 = Box()
b2 = b1
print(b1 is b2, b1 is Box(), isinstance(b1, Box), b1 in [b2], b1 in [Box()])
