err = None
for i in range(20000):
    try:
        raise ValueError(i) from err
    except ValueError as e:
        err = e
raise err
