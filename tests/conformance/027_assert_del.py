# assert (with and without message) and del of names and items.
def positive(x):
    assert x > 0, f"x must be positive, got {x}"
    return x

print(positive(3))
try:
    positive(-2)
except AssertionError as e:
    print("AssertionError:", e, repr(e))
try:
    assert 1 == 2
except AssertionError as e:
    print("no message:", repr(str(e)), repr(e))
assert True
assert [1], "non-empty list is truthy"
x = 10
y = [1, 2, 3, 4]
z = {"a": 1, "b": 2}
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)
del y[0]
del y[-1]
print(y)
del z["a"]
print(z)
try:
    del z["nope"]
except KeyError as e:
    print("KeyError:", e)
a, b = 1, 2
del a, b
try:
    print(b)
except NameError as e:
    print("NameError:", e)
m = [[1, 2], [3, 4]]
del m[0][1]
print(m)
def local_del():
    v = "temp"
    del v
    return "deleted local"
print(local_del())
