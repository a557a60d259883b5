# lesson: a read-modify-write across an await is a race; asyncio.Lock makes it safe
# Watch both deposits read the balance before either writes it back: the second write
# overwrites the first, and alice's 100 is lost. With the lock, bob waits at `async
# with` until alice has written, then reads the new balance.
import asyncio


class Account:
    def __init__(self):
        self.balance = 0
        self.lock = asyncio.Lock()


async def deposit(account, who, amount):
    current = account.balance
    print(f"  {who} reads {current}")
    await asyncio.sleep(0.1)  # pause: a round trip to the bank; the other task runs
    account.balance = current + amount
    print(f"  {who} writes {account.balance}")


async def locked_deposit(account, who, amount):
    async with account.lock:  # pause: only one task at a time gets past this line
        await deposit(account, who, amount)


async def main():
    print("without a lock:")
    account = Account()
    await asyncio.gather(deposit(account, "alice", 100), deposit(account, "bob", 50))
    print(f"balance {account.balance}, expected 150")

    print("with a lock:")
    account = Account()
    await asyncio.gather(
        locked_deposit(account, "alice", 100),
        locked_deposit(account, "bob", 50),
    )
    print(f"balance {account.balance}, expected 150")


asyncio.run(main())
