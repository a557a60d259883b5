# Integer arithmetic: the five division-like operators with every sign.
pairs = [(7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (0, 5), (1, 7)]
for a, b in pairs:
    print(a, b, "|", a + b, a - b, a * b, a / b, a // b, a % b)

print(2 ** 10, 2 ** 0, 0 ** 0, (-2) ** 3, -2 ** 2, 2 ** -1, 10 ** -2)
print(3 ** 3 ** 2, (3 ** 3) ** 2)
print(-7 // 2 * 2 + -7 % 2)
print(1 + 2 * 3 - 4 / 2, (1 + 2) * 3, 10 - 3 - 2, 100 // 7 // 2)
print(-(-5), +5, -+-5, - - 5)

x = 10
x += 5
print(x)
x -= 3
print(x)
x *= 4
print(x)
x //= 5
print(x)
x %= 4
print(x)
x **= 5
print(x)
x /= 4
print(x)

big = 2 ** 62
print(big, big - 1 + big, -big - big)
print(10 ** 18, 10 ** 18 // 7, 10 ** 18 % 7, -(10 ** 18) // 7)
print(9007199254740993, float(9007199254740993), int(float(9007199254740993)))
print(123456789 * 987654321, 4611686018427387903 % 1000000007)

print(int("42"), int("-17"), int("  8  "), int(3.99), int(-3.99), int(True))
print(int(1e15), int(-0.5), int(2.5e3))
print(abs(-5), abs(5), abs(0), abs(-2 ** 40))
print(7 // 1, -7 // 1, 5 % 1, True + True, True * 10, False - 1)
print(1_000_000 + 1, 0x1f, 0o17, 0b1010)
# the quick paths of % and // (positive divisor) next to the general ones, at the edges
for a in (-9223372036854775807 - 1, -9223372036854775807, -10, -1, 0, 1, 9, 9223372036854775807):
    print(a, [(a % b, a // b) for b in (1, 2, 3, 7, 9223372036854775807)],
          [(a % b, a // b) for b in (-3, -9223372036854775807)])
# true division of ints on both sides of 2**53 (the quick path takes what a double holds exactly)
for a in (1, -7, 9007199254740992, 9007199254740993, -9007199254740992, -9007199254740993,
          9223372036854775807):
    print([a / b for b in (1, 3, 7, 9007199254740992, 9007199254740993, -3)])
