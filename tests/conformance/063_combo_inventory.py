# Combined: classes, dicts, comprehensions, f-string tables and async restocking.
import asyncio

class OutOfStock(Exception):
    def __init__(self, item, wanted, have):
        super().__init__(f"{item}: wanted {wanted}, have {have}")
        self.item = item

class Inventory:
    currency = "EUR"

    def __init__(self, prices):
        self.prices = dict(prices)
        self.stock = {name: 0 for name in prices}
        self.log = []

    def add(self, item, qty):
        self.stock[item] = self.stock.get(item, 0) + qty
        self.log.append(("add", item, qty))

    def take(self, item, qty):
        have = self.stock.get(item, 0)
        if qty > have:
            raise OutOfStock(item, qty, have)
        self.stock[item] = have - qty
        self.log.append(("take", item, qty))
        return qty * self.prices[item]

    def value(self):
        return sum(self.prices[k] * v for k, v in self.stock.items())

    def report(self):
        lines = [f"{'item':<8}{'qty':>5}{'price':>9}{'total':>10}"]
        for name in sorted(self.stock, key=lambda n: (-self.stock[n], n)):
            qty = self.stock[name]
            price = self.prices[name]
            lines.append(f"{name:<8}{qty:>5}{price:>9.2f}{qty * price:>10,.2f}")
        lines.append(f"{'value':<22}{self.value():>10,.2f} {self.currency}")
        return "\n".join(lines)

async def supplier(inv, item, qty, delay):
    await asyncio.sleep(delay)
    inv.add(item, qty)
    print(f"t={asyncio.get_running_loop().time():.1f} delivered {qty} x {item}")

async def customer(inv, name, orders):
    spent = 0.0
    for item, qty, wait in orders:
        await asyncio.sleep(wait)
        try:
            spent += inv.take(item, qty)
            print(f"t={asyncio.get_running_loop().time():.1f} {name} bought {qty} {item}")
        except OutOfStock as e:
            print(f"t={asyncio.get_running_loop().time():.1f} {name} failed: {e}")
    return name, round(spent, 2)

async def main():
    inv = Inventory({"apple": 0.5, "pear": 0.75, "melon": 3.2, "kiwi": 0.3})
    print(inv.report())
    results = await asyncio.gather(
        supplier(inv, "apple", 100, 1),
        supplier(inv, "melon", 12, 2.5),
        supplier(inv, "kiwi", 1000, 0.5),
        customer(inv, "ann", [("apple", 10, 0.5), ("apple", 20, 1), ("melon", 1, 1.5)]),
        customer(inv, "bob", [("kiwi", 250, 1), ("melon", 20, 2), ("pear", 1, 0)]),
    )
    print([r for r in results if r is not None])
    print(inv.report())
    print(len(inv.log), inv.log[:3], [entry[0] for entry in inv.log].count("take"))

asyncio.run(main())
