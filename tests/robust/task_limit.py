import asyncio

async def nap(i):
    await asyncio.sleep(i)

async def main():
    n = 0
    while True:
        asyncio.create_task(nap(n))
        n += 1
        if n % 20 == 0:
            print(n, 'tasks')
            await asyncio.sleep(0)

asyncio.run(main())
