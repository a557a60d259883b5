# Conditional expressions, alone, nested, and inside other expressions.
for n in range(-2, 4):
    sign = "neg" if n < 0 else "zero" if n == 0 else "pos"
    parity = "even" if n % 2 == 0 else "odd"
    print(n, sign, parity, (n if n > 0 else -n), [n, "big" if n > 2 else "small"])

def pick(flag):
    print("pick", flag)
    return flag

print("A" if pick(True) else "B")
print("A" if pick(False) else "B")
print((1 if True else 2) + (10 if False else 20))
xs = [x if x % 3 else "fizz" for x in range(1, 8)]
print(xs)
f = lambda v: "yes" if v else "no"
print(f(1), f(0), f([]), f("x"))
label = "none" if not xs else f"{len(xs)} items"
print(label)
