# Deep recursion within the limit works; runaway recursion raises RecursionError.
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)

print(depth(500))

def forever(n):
    return forever(n + 1)

try:
    forever(0)
except RecursionError as e:
    print(type(e).__name__, e)
print("still running")
print(depth(200))
