# Sets of small ints: displays, set(), comprehension, membership, len.
s = {3, 1, 2}
print(s, len(s), set(), {5}, {1, 1, 1}, set([4, 4, 2, 0]))
print(set(range(5)), set((6, 3, 5)), {x % 4 for x in range(10)})
print(2 in s, 7 in s, 7 not in s, s == {1, 2, 3}, s != {1, 2})
print(sorted({8, 3, 5}), sorted({8, 3, 5}, reverse=True), sum({1, 2, 3}), max({4, 9, 2}))
seen = set()
for x in [4, 1, 4, 2, 1, 3]:
    if x in seen:
        print("dup", x)
    seen = set(list(seen) + [x])
print(seen, len(seen))
evens = {x for x in range(12) if x % 2 == 0}
print(evens, type(evens).__name__, list({0, 1}), tuple({2}))
print({True, 1, 0, False})
