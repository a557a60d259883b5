import asyncio

async def nap():
    await asyncio.sleep(1)

async def main():
    tasks = [asyncio.create_task(nap()) for _ in range(10**7)]
    await asyncio.gather(*tasks)

asyncio.run(main())
