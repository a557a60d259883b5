# Set displays of constants iterate in CPython's order (folded, then merged).
print({5, 13, 21})
print({1.5, 3, 2, 100})
print({40, 8, 16, 24, 32, 0})
print({-1, -2, 7, 3})
print({True, 2, 3}, {None, 1, 2} == {1, 2, None})
s = {17, 1, 33}
s.add(49)
print(s, len(s), sorted(s))
print({*[3, 1, 2]}, {*(9, 1)}, set([12, 4, 8]))
for x in {64, 8, 16}:
    print(x, end=" ")
print()
print(5 in {5, 6, 7}, 4 in {5, 6, 7})
print({n * 8 for n in range(4)})
