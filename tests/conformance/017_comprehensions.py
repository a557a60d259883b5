# List, dict and set comprehensions: nested, filtered, scoping.
print([x * x for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(i, j) for i in range(3) for j in range(i)])
print([[i * j for j in range(1, 4)] for i in range(1, 4)])
matrix = [[1, 2, 3], [4, 5, 6]]
print([n for row in matrix for n in row])
print([[row[c] for row in matrix] for c in range(3)])
print([c.upper() for c in "hey" if c != "e"])
print({w: len(w) for w in ["ant", "bee", "wasp"]})
print({k: v for k, v in zip("abc", range(3)) if v})
print({n % 5 for n in range(12)}, {x // 2 for x in [1, 2, 3, 4]})
print([x if x > 2 else -x for x in range(5)])
print([(x, y) for x in [1, 2] for y in "ab" if (x, y) != (2, "a")])
x = "outer"
squares = [x for x in range(3)]
print(x, squares)
funcs = [lambda: i for i in range(3)]
print([f() for f in funcs])
funcs2 = [lambda i=i: i for i in range(3)]
print([f() for f in funcs2])
words = ["apple", "bob", "kayak", "level", "python"]
print([w for w in words if w == w[::-1]], sum([len(w) for w in words]))
print([[]for _ in range(2)], [i for i in []], {i: [] for i in range(2)})
def gen_src():
    print("source evaluated")
    return [1, 2]
print([y * 10 for y in gen_src()])
table = {name: {"len": len(name), "first": name[0]} for name in ["Al", "Bea"]}
print(table)
