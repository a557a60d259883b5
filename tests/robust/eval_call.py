print(eval('2 + 2'))
