# Uncaught NameError inside a function.
def compute():
    x = 10
    return x + undefined_variable_qq

print("calling")
compute()
