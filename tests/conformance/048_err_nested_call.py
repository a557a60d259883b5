# An uncaught exception raised three calls deep.
def level3(items):
    print("level3 looking for a negative number in", items)
    for x in items:
        if x < 0:
            raise ValueError(f"negative value {x} in {items!r}")
    return items

def level2(items):
    return level3(sorted(items))

def level1():
    print(level2([3, 1, 2]))
    return level2([5, -4, 0])

print("start")
level1()
print("unreachable")
