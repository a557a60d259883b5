print('fine')
message = "never closed
print(message)
