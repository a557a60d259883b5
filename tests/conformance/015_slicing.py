# Subscripts and slices on lists, tuples and strings.
a = list(range(10))
print(a[0], a[-1], a[3], a[-3])
print(a[2:5], a[:3], a[7:], a[:], a[-3:], a[:-3], a[-5:-2])
print(a[::2], a[1::2], a[::-1], a[::-3], a[8:2:-2], a[2:8:-1], a[-1:-4:-1])
print(a[5:100], a[100:], a[-100:2], a[3:3], a[6:2], a[::10])
s = "abcdefghij"
print(s[2:5], s[::-1], s[::3], s[-4:], s[:0], s[5:1:-1], s[-1], s[0])
t = (0, 1, 2, 3, 4)
print(t[1:3], t[::-1], t[-2:], t[:1], t[4:5], t[5:])
i, j = 1, 4
print(a[i:j], a[i + 1:j * 2], a[len(a) // 2:])
m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print(m[1][2], m[-1][::-1], [row[1] for row in m], m[1:][0][0])
words = "one two three four".split()
print(words[1][1:], words[-1][-2:], words[::-1][0].upper())
b = a[:]
b[0] = 99
print(a[0], b[0], b is a)
del b[::2]
print(b)
print("hello"[1:-1], "hello"[-2:], (1, 2, 3)[:-1], [1, 2][5:7])
