g = globals()
print(g['__builtins__'])
