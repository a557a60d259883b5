async def job(*, a=1):
    pass
try:
    job(b=2)
except TypeError as e:
    print(e)
