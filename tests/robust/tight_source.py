# this file is longer than the 64 bytes --max-source allows here
print('too big')
