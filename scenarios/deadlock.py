# lesson: two tasks taking two locks in opposite orders wait for each other forever
# Watch alice lock her account and bob lock his, then each wait for the other's lock. No
# task can run and no timer is pending: CPython would hang, while loopviz stops and says
# who waits on what, and where. The fix: take the locks in one fixed order, say by owner.
import asyncio


class Account:
    def __init__(self, owner):
        self.owner = owner
        self.lock = asyncio.Lock()

    def __repr__(self):
        return self.owner


async def transfer(source, target, amount):
    async with source.lock:
        print(f"{source.owner} locked, paying {amount} to {target.owner}")
        await asyncio.sleep(0.1)  # pause: both tasks now hold one lock each
        async with target.lock:  # pause: each waits for the lock the other holds
            print("never printed")


async def main():
    alice, bob = Account("alice"), Account("bob")
    await asyncio.gather(
        asyncio.create_task(transfer(alice, bob, 10), name="alice-pays"),
        asyncio.create_task(transfer(bob, alice, 20), name="bob-pays"),
    )


asyncio.run(main())
