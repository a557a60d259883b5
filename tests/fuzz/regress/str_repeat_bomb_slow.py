rows = []
while True:
    rows.append('x' * 1000)
("uns")
x2