print("never runs")

def broken(x)
    return x
