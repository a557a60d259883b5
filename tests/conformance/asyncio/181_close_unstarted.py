import asyncio

async def f():
    print("never")

async def g():
    print("g runs")
    await asyncio.sleep(0)

async def main():
    c = f()
    c.close()
    print("closed")
    d = f()
    try:
        d.throw(ValueError("x"))
    except ValueError as e:
        print("thrown", e)
    e = g()
    e.send(None)
    e.close()
    print("done")

asyncio.run(main())
