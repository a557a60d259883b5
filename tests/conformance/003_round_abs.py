# round(): banker's rounding, ndigits (positive, zero, negative), types.
for v in [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.675]:
    print(v, round(v), round(v, 0), round(v, 1), round(v, 2))
print(round(1.25, 1), round(1.35, 1), round(0.125, 2), round(0.375, 2))
print(round(1234.5678, 2), round(1234.5678, -2), round(1250, -2), round(1350, -2))
print(round(-1250, -2), round(15, -1), round(25, -1), round(7, 0), round(7, 2))
print(round(3.14159, 3), round(2.0), round(-0.4), round(1e16 + 0.5))
print(type(round(2.5)).__name__, type(round(2.5, 1)).__name__, type(round(5, 1)).__name__)
print(abs(-3.5), abs(3), abs(-0.0), abs(-1e-320), abs(float("-inf")))
print(round(0.1 + 0.2, 15), round(0.1 + 0.2, 16), round(1 / 3, 5))
print(round(-2.5, 0), round(2.5, 0), round(123.456, -1), round(0.0, 3))
