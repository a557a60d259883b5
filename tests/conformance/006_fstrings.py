# f-strings: format specs and conversions.
pi = 3.14159265
n = 1234567
name = "Ada"
print(f"{pi:.2f}|{pi:8.3f}|{pi:08.3f}|{pi:<10.1f}|{pi:^10.4f}|{-pi:.1f}")
print(f"[{name:>8}] [{name:<5}] [{name:^7}] [{name:*^9}] [{name:->6}] [{name:.2}]")
print(f"{n:,} {n:x} {n:X} {n:o} {n:b} {n:08d} {n:+d} {-n:+d} {7:3d}|")
print(f"{1234.5678:,.2f} {0.000123:e} {123456.789:.3e} {0.25:%} {0.125:.1%} {2:.0%}")
print(f"{42:>6}|{42:<6}|{42:^6}|{42:06}|{-42:06}|{255:#x}|{8:#o}|{5:#b}")
print(f"{name!r} {name!s} {'q'!r} {[1, 'a']!r} {3.0!s}")
print(f"{name!r:>10}|{str(5)!r}|")
width, prec = 12, 3
print(f"[{pi:{width}.{prec}f}] [{name:>{width}}]")
print(f"{{literal}} {{{n}}} {'nested ' + name}")
print(f"{1 + 2} {n // 1000} {name.upper()} {len(name) * 2} {pi if n else 0:.1f}")
print(f"{True} {None} {[1, 2]} {(1,)} {{'a': 1}} {1e16} {-0.0}")
print(f"{3.5:.0f} {2.5:.0f} {1e16:.2f} {1.005:.2f} {float('inf'):.2f} {-0.0:.1f}")
for i, v in enumerate([1, 22, 333]):
    print(f"{i:>2}: {v:>5} {v / 7:>8.3f} {'#' * i:<3}|")
total = 0.1 + 0.2
print(f"total={total} total={total:.17f} {total:g} {1e-5:g} {123456789.0:g}")
print(f"{'left':<10}{'right':>10}")
print(f"{12.0:.3g} {0.5:+.2f} {-0.5:+.2f} {1000000:,d} {-1234.5:,.1f}")
