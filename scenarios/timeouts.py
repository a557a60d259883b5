# lesson: wait_for and asyncio.timeout cancel slow work and raise TimeoutError
# Watch each deadline. wait_for runs the 5 s query in a task of its own, cancels that
# task at 2 s and raises TimeoutError in main. The `async with asyncio.timeout(1.5)`
# block cancels main itself when time runs out, in the middle of the second query, and
# turns that cancellation into a TimeoutError.
import asyncio
import time

START = time.perf_counter()


def now():
    return f"{time.perf_counter() - START:.1f} s"


async def query(seconds):
    await asyncio.sleep(seconds)  # stands in for a slow server
    return f"answer after {seconds} s"


async def main():
    answer = await asyncio.wait_for(query(1), timeout=2)
    print(f"{now()}: {answer}")
    try:
        # pause: at the deadline wait_for cancels the query and raises here
        await asyncio.wait_for(query(5), timeout=2)
    except TimeoutError:
        print(f"{now()}: wait_for gave up")

    try:
        async with asyncio.timeout(1.5):  # pause: one deadline for the whole block
            for _ in range(2):
                answer = await query(1)
                print(f"{now()}: {answer}")
    except TimeoutError:
        print(f"{now()}: the timeout block ran out")


asyncio.run(main())
