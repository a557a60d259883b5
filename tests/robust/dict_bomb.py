table = {i: str(i) for i in range(10**9)}
