if True:
print('no body')
