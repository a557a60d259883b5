def countdown(n):
    if n == 0:
        return 'done'
    return countdown(n - 1)

print(countdown(20))
print(countdown(30))
