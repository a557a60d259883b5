# Float arithmetic and repr: shortest round-trip digits, exponents, signs.
print(0.1 + 0.2, 0.1 * 3, 1 / 3, 2 / 3, 10 / 4, 1 / 8)
print(1e16, 1e15, 1e-05, 0.0001, 1e22, 1e-7, 123456789012345678.0)
print(1.0, 100.0, 2.5, -0.0, 0.0, 3.0 * 1.0, 1e100, 1.7976931348623157e308)
print(5e-324, 2.2250738585072014e-308, 0.1 + 0.7, 4.35 * 100, 1.1 * 1.1)
print(float("inf"), float("-inf"), -float("inf"), float("inf") * 0 != 0)
inf = float("inf")
print(inf + 1, inf > 1e308, -inf < -1e308, inf == inf, 1 / inf, -1 / inf)
print(1e308 * 10, -1e308 * 10)

pairs = [(7.5, 2), (-7.5, 2), (7.5, -2), (-7.5, -2.0), (0.3, 0.1), (1.0, 3)]
for a, b in pairs:
    print(a, b, "|", a + b, a - b, a * b, a / b, a // b, a % b)

print(2.0 ** 10, 2 ** 0.5, 4 ** 0.5, 10 ** -3, 1.5 ** 2, (-1.5) ** 3)
print(-0.0 == 0.0, -0.0 + 0.0, 0.0 * -1, -0.0 * -1, abs(-0.0), -(0.0))
print(float(3), float("2.5"), float("-1e3"), float(" 7 "), float("0.1"))
print(float(10 ** 16), float(2 ** 53), float(-12), float(True))
print(1 == 1.0, 2 < 2.5, 3.0 > 2, 0.1 + 0.2 == 0.3, 1e16 + 1 == 1e16)
print(type(1 + 1.0).__name__, type(4 / 2).__name__, type(4 // 2).__name__)
print(7.0 // 2, 7 // 2.0, -7.0 // 2, 7 % 2.5, -7 % 2.5)
print(1.5e300 * 1.5e300, 12345.678e-3, 0.5e1, .5, 5.)
x = 1.0
for i in range(5):
    x /= 10
    print(x, x * 10 ** (i + 1))
