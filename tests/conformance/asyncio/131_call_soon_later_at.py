# call_soon, call_later, call_at: ordering relative to tasks; handle.cancel().
import asyncio

def cb(label, *args):
    loop = asyncio.get_running_loop()
    print(f"{loop.time():5.2f} callback {label} {args}")

async def task(name):
    print(f"task {name} step 1")
    await asyncio.sleep(0)
    print(f"task {name} step 2")

async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, "soon-1")
    t = asyncio.create_task(task("A"))
    loop.call_soon(cb, "soon-2", 1, 2)
    print("scheduled; nothing ran yet")
    await asyncio.sleep(0)
    print("main after first yield")
    await asyncio.sleep(0)
    print("main after second yield")
    await t
    h1 = loop.call_later(1, cb, "later-1s")
    h2 = loop.call_later(0.5, cb, "later-0.5s")
    h3 = loop.call_later(0.5, cb, "later-0.5s-second")
    h4 = loop.call_at(loop.time() + 0.75, cb, "at+0.75")
    h5 = loop.call_later(0.6, cb, "cancelled")
    h6 = loop.call_later(0, cb, "later-0")
    h7 = loop.call_soon(cb, "soon-cancelled")
    print("handles cancelled?", h5.cancelled(), h7.cancelled())
    h5.cancel()
    h7.cancel()
    print("handles cancelled?", h5.cancelled(), h7.cancelled())
    await asyncio.sleep(2)
    print("done at", loop.time())
    def chain(n):
        print("chain", n)
        if n < 3:
            loop.call_soon(chain, n + 1)
    loop.call_soon(chain, 0)
    loop.call_soon(cb, "interleaved")
    await asyncio.sleep(0)
    print("main resumes once")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("main resumes after chain")
    loop.call_at(10, cb, "absolute 10")
    loop.call_at(5, cb, "absolute 5 (in the past)")
    await asyncio.sleep(10)

asyncio.run(main())
