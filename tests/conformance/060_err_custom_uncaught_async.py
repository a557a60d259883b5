# A custom exception raised in a task escapes asyncio.run.
import asyncio

class PaymentError(Exception):
    def __init__(self, amount):
        super().__init__(f"cannot pay {amount:.2f}")
        self.amount = amount

async def pay(amount, balance):
    await asyncio.sleep(0.2)
    if amount > balance:
        raise PaymentError(amount)
    print(f"paid {amount:.2f}")
    return balance - amount

async def main():
    balance = 100.0
    for amount in [30, 45.5, 50]:
        balance = await asyncio.create_task(pay(amount, balance))
        print(f"balance {balance:.2f}")

asyncio.run(main())
