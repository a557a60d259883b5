# def: defaults, keyword arguments, *args, **kwargs, keyword-only, recursion.
def greet(name, greeting="Hello", punct="!"):
    return f"{greeting}, {name}{punct}"

print(greet("Ann"), greet("Bo", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))

def total(*args):
    print("args =", args, type(args).__name__)
    return sum(args)

print(total(), total(1), total(1, 2, 3), total(*range(4)))

def show(**kwargs):
    for k, v in kwargs.items():
        print(" ", k, "->", v)
    return len(kwargs)

print(show(a=1, b="two"), show(), show(**{"x": [1]}))

def everything(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, kwargs)

print(everything(1, c=3))
print(everything(1, 5, 6, 7, c=8, e=9))
print(everything(a=0, c=1, d=2, z=3))

def accumulate(x, acc=[]):
    acc.append(x)
    return acc

print(accumulate(1), accumulate(2), accumulate(3, []))

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

print(fact(0), fact(5), fact(20), [fib(i) for i in range(15)])

def no_return():
    pass

def early(x):
    if x:
        return
    return "late"

print(no_return(), early(1), early(0))

def divmod_pair(a, b):
    return a // b, a % b

q, r = divmod_pair(17, 5)
print(q, r, divmod_pair(-17, 5))

def apply(f, *args, **kwargs):
    return f(*args, **kwargs)

print(apply(greet, "Eve", greeting="Hey"), apply(max, 3, 9, 4), apply(sorted, [3, 1], reverse=True))
print(type(greet).__name__, type(total(5)).__name__, type(everything).__name__)

def counter_calls(n, depth=0):
    print("  " * depth + f"call({n})")
    if n > 0:
        counter_calls(n - 1, depth + 1)

counter_calls(3)
