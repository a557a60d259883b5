exec("print('hi')")
