# Combined: async generator pipeline, generators, comprehensions, exceptions.
import asyncio

def parse_lines(text):
    for number, line in enumerate(text.strip().split("\n"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        yield number, line

async def source(text, delay):
    for number, line in parse_lines(text):
        await asyncio.sleep(delay)
        yield number, line

async def records(lines):
    async for number, line in lines:
        fields = [f.strip() for f in line.split(",")]
        try:
            name, qty, price = fields
            yield {"line": number, "name": name, "qty": int(qty), "price": float(price)}
        except ValueError as e:
            print(f"line {number}: skipped ({e})")

DATA = """
# name, qty, price
widget, 4, 2.50
gadget, 1, 10
broken line
gizmo, x, 1.0
doohickey, 12, 0.25
"""

async def main():
    rows = []
    async for rec in records(source(DATA, 0.1)):
        print(f"t={asyncio.get_running_loop().time():.1f} {rec}")
        rows.append(rec)
    totals = {r["name"]: r["qty"] * r["price"] for r in rows}
    print(totals)
    print(f"grand total: {sum(totals.values()):.2f}")
    print(max(totals, key=totals.get), sorted(totals.items(), key=lambda kv: kv[1]))
    print([n for n, _ in parse_lines(DATA)])

asyncio.run(main())
