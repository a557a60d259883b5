print('short')
print('this line is longer than forty bytes, so it is refused')
