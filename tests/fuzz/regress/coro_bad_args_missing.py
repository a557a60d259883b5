async def job(a):
    pass
job()
