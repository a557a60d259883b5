grid = [[[[[0]]]]]
print(grid)
