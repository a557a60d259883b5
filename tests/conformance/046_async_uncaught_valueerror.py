# An exception escaping asyncio.run: traceback on stderr, exit status 1.
import asyncio

async def validate(n):
    await asyncio.sleep(0.5)
    if n > 2:
        raise ValueError(f"value too large: {n}")
    print("valid", n)
    return n

async def main():
    for n in range(5):
        await validate(n)
    print("not reached")

asyncio.run(main())
print("not reached either")
