import asyncio

async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_later(1e300, done.set_result, 'late')
    print(await done)

asyncio.run(main())
