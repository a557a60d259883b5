# Closures, nonlocal, global, late binding.
def make_counter(start=0):
    count = start
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc

c1 = make_counter()
c2 = make_counter(100)
print(c1(), c1(), c1(5), c2(), c1())

def make_multipliers():
    return [lambda x: x * i for i in range(1, 4)]

print([m(10) for m in make_multipliers()])

total = 0
def add_to_total(n):
    global total
    total += n
    return total

print(add_to_total(5), add_to_total(7), total)

def outer():
    x = "outer x"
    def middle():
        def inner():
            return x.upper()
        return inner()
    return middle()

print(outer())

def accumulator():
    items = []
    def add(item):
        items.append(item)
        return list(items)
    return add

acc = accumulator()
acc("a")
print(acc("b"), acc("c"))

def shadow():
    total = "local"
    return total

print(shadow(), total)

def make_pair():
    value = 0
    def get():
        return value
    def set_(v):
        nonlocal value
        value = v
    return get, set_

get, set_ = make_pair()
print(get())
set_(42)
print(get())

def rebind_global():
    global created_later
    created_later = "made inside"

rebind_global()
print(created_later)
