# More of CPython's messages for errors raised by builtins and methods.
def kw_only(a, *, key):
    return a

cases = [
    lambda: [].pop(),
    lambda: [1].pop(4),
    lambda: [1, 2].remove(3),
    lambda: [1, 2].index(9),
    lambda: kw_only(1),
    lambda: kw_only(1, 2),
    lambda: [1] + (2,),
    lambda: 1 < "a",
    lambda: [1] < 1,
    lambda: int(None),
    lambda: {[1]: 2},
    lambda: sum(["a", "b"]),
    lambda: max([]),
    lambda: min(),
    lambda: [x for x in 5],
    lambda: dict([1, 2]),
    lambda: "abc".index("z"),
    lambda: round("x"),
    lambda: abs("x"),
]
for i, case in enumerate(cases):
    try:
        result = case()
        print(i, "no error:", result)
    except Exception as e:
        print(i, f"{type(e).__name__}: {e}")
