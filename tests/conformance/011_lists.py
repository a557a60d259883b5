# Lists: displays, methods, operators, nesting.
a = [3, 1, 2]
print(a, [], [[]], [1, [2, [3, []]]], len(a), a + [4], a * 2, [0] * 3)
a.append(10)
a.extend([20, 30])
a.extend((40,))
a.extend("ab")
print(a)
print(a.pop(), a.pop(0), a.pop(-2), a)
a.insert(0, "first")
a.insert(2, "third")
a.insert(100, "end")
a.insert(-1, "beforeend")
print(a)
print(a.index(10), a.index("third"), a.count(2), a.count("nothing"))
a.remove("first")
a.remove("end")
print(a)
nums = [5, 2, 9, 1, 5, 6]
nums.sort()
print(nums)
nums.sort(reverse=True)
print(nums)
words = ["banana", "Apple", "cherry", "date"]
words.sort()
print(words)
words.sort(key=len)
print(words)
words.sort(key=lambda w: w.lower(), reverse=True)
print(words)
pairs = [(2, "b"), (1, "z"), (2, "a"), (1, "a")]
pairs.sort()
print(pairs)
pairs.sort(key=lambda p: p[1])
print(pairs)
m = [[0] * 3 for _ in range(3)]
m[1][1] = 5
print(m)
shared = [[0] * 2] * 2
shared[0][0] = 9
print(shared)
b = a
b.append("via b")
print(a is b, a[-1], a[0], a[-2])
a[0] = "changed"
del a[1]
print(a)
del a[0:2]
print(a, list(range(5)), list("hey"), list((1, 2)), list())
x = [1, 2, 3]
x += [4]
x *= 2
print(x, x.count(1), [1, 2] == [1, 2], [1, 2] != [2, 1])
print(sum([[1], [2, 3]], []), max([3, 7, 2]), min(["b", "a", "c"]))
