# CPython's messages for errors the interpreter raises itself.
class Dog:
    def __init__(self):
        self.name = "rex"

def two(a, b):
    return a + b

nothing = None
five = 5

cases = [
    lambda: 1 / 0,
    lambda: 1 // 0,
    lambda: 1 % 0,
    lambda: 1.0 / 0,
    lambda: 1.5 // 0.0,
    lambda: 2.0 % 0,
    lambda: {"a": 1}["k"],
    lambda: {}[3],
    lambda: {"a": 1}.pop("zz"),
    lambda: [1, 2][5],
    lambda: (1,)[-3],
    lambda: "abc"[10],
    lambda: five.missing,
    lambda: "s".nope,
    lambda: Dog().fly,
    lambda: [].nothing,
    lambda: undefined_name_xyz,
    lambda: two(1),
    lambda: two(1, 2, 3),
    lambda: two(),
    lambda: two(1, c=2),
    lambda: two(1, a=2),
    lambda: 1 + "a",
    lambda: "a" + 1,
    lambda: "a" * "b",
    lambda: -"a",
    lambda: nothing(),
    lambda: five(),
    lambda: five[0],
    lambda: nothing[0],
    lambda: len(5),
    lambda: int("abc"),
    lambda: int("1.5"),
    lambda: float("x"),
    lambda: next(iter([])),
]
for i, case in enumerate(cases):
    try:
        result = case()
        print(i, "no error:", result)
    except Exception as e:
        print(i, f"{type(e).__name__}: {e}")
