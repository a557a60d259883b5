# Many tasks yielding with sleep(0): round-robin order of the ready queue.
import asyncio

async def spinner(name, rounds):
    for i in range(rounds):
        print(f"{name}{i}", end=" ")
        await asyncio.sleep(0)
    print(f"[{name} done]", end=" ")
    return rounds

async def main():
    tasks = [asyncio.create_task(spinner(c, n)) for c, n in zip("ABCDE", [3, 1, 4, 2, 5])]
    print("created", end=" ")
    await asyncio.sleep(0)
    print("| main woke", end=" ")
    results = await asyncio.gather(*tasks)
    print()
    print(results)
    print(await asyncio.gather(spinner("x", 2), spinner("y", 3), spinner("z", 1)))
    async def chatty(name):
        for i in range(3):
            print(name, i, asyncio.get_running_loop().time())
            await asyncio.sleep(0)
    await asyncio.gather(chatty("p"), chatty("q"))

asyncio.run(main())
