import time

print('blocking sleep')
time.sleep(1e308)
print('after')
