# Dicts: insertion order, methods, views, nesting, KeyError text.
d = {"b": 2, "a": 1}
d["c"] = 3
d["b"] = 20
print(d, len(d), d["a"], {}, {1: "one", 2.5: [1], "k": {"n": None}, (1,): True})
print(d.get("a"), d.get("zz"), d.get("zz", 0), d.get("c", 99))
print(list(d.keys()), list(d.values()), list(d.items()))
print(d.keys(), d.values(), d.items())
for k in d:
    print("key", k, d[k])
for k, v in d.items():
    print(f"{k}={v}")
print(d.pop("b"), d, d.pop("nope", "dflt"))
print(d.setdefault("a", 100), d.setdefault("new", []), d)
d.setdefault("new", []).append(1)
d.setdefault("lst", []).append(2)
print(d)
d.update({"a": -1, "z": 26})
d.update(w=23)
d.update([("p", 16)])
print(d)
del d["new"]
print(d, "a" in d, "new" in d)
d["a"] = "moved?"
print(list(d))
e = dict(x=1, y=2)
f = dict([("k", "v"), ("k2", "v2")])
g = dict(e)
g["x"] = 100
print(e, f, g, dict(), dict({1: 2}, three=3))
counts = {}
for word in "the cat and the hat and the bat".split():
    counts[word] = counts.get(word, 0) + 1
print(counts)
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
print(max(counts, key=counts.get), sum(counts.values()), min(counts))
inv = {v: k for k, v in {"one": 1, "two": 2}.items()}
print(inv, {i: i * i for i in range(5) if i % 2 == 0})
try:
    print(d["missing"])
except KeyError as err:
    print("KeyError", err, repr(err), err.args)
try:
    d.pop("missing")
except KeyError as err:
    print("pop KeyError", err)
nested = {"user": {"name": "Ann", "tags": ["a", "b"]}}
nested["user"]["tags"].append("c")
print(nested, nested["user"]["tags"][-1])
print({True: "t", 1: "one", 1.0: "float"}, {0: "x", False: "y"})
