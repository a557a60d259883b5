# Combined: inheritance, custom exceptions, gather(return_exceptions=True).
import asyncio

class BankError(Exception):
    pass

class InsufficientFunds(BankError):
    def __init__(self, account, amount):
        super().__init__(f"{account.owner} cannot withdraw {amount}")
        self.shortfall = amount - account.balance

class Frozen(BankError):
    pass

class Account:
    fee = 0

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.frozen = False

    def withdraw(self, amount):
        if self.frozen:
            raise Frozen(f"{self.owner}'s account is frozen")
        total = amount + self.fee
        if total > self.balance:
            raise InsufficientFunds(self, total)
        self.balance -= total
        return self.balance

    def __repr__(self):
        return f"{type(self).__name__}({self.owner!r}, {self.balance})"

class Premium(Account):
    fee = 0

class Basic(Account):
    fee = 2

    def withdraw(self, amount):
        print(f"  basic fee {self.fee} for {self.owner}")
        return super().withdraw(amount)

async def transfer(acct, amount, delay):
    await asyncio.sleep(delay)
    print(f"t={asyncio.get_running_loop().time()} withdrawing {amount} from {acct.owner}")
    return acct.withdraw(amount)

async def main():
    a = Premium("ann", 100)
    b = Basic("bob", 50)
    c = Basic("cy", 500)
    c.frozen = True
    results = await asyncio.gather(
        transfer(a, 30, 1), transfer(b, 49, 0.5), transfer(c, 1, 0.2),
        transfer(a, 80, 2), transfer(b, 10, 1.5),
        return_exceptions=True,
    )
    for r in results:
        if isinstance(r, InsufficientFunds):
            print("insufficient:", r, "short by", r.shortfall)
        elif isinstance(r, BankError):
            print("bank error:", type(r).__name__, repr(r))
        else:
            print("new balance:", r)
    print([a, b, c])
    print(sorted([a, b, c], key=lambda x: x.balance, reverse=True))

asyncio.run(main())
