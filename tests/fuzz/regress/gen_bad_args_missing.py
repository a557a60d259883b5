def gen(a):
    yield a
gen()
