import os
os.system('echo pwned')
