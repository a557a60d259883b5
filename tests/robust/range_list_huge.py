numbers = list(range(10**12))
