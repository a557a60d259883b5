# A rate limiter: a semaphore caps concurrency, a lock spaces the starts.
import asyncio

class RateLimiter:
    def __init__(self, concurrency, interval):
        self.sem = asyncio.Semaphore(concurrency)
        self.lock = asyncio.Lock()
        self.interval = interval
        self.last_start = None
        self.starts = []

    async def __aenter__(self):
        await self.sem.acquire()
        async with self.lock:
            loop = asyncio.get_running_loop()
            if self.last_start is not None:
                wait = self.last_start + self.interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            self.last_start = loop.time()
            self.starts.append(round(self.last_start, 3))
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.sem.release()
        return False

async def call_api(limiter, n):
    async with limiter:
        t = asyncio.get_running_loop().time()
        print(f"request {n} starts at {t:.2f}")
        await asyncio.sleep(1.0 if n % 2 else 0.3)
        if n == 5:
            raise RuntimeError(f"request {n} dropped")
        return n

async def main():
    limiter = RateLimiter(concurrency=2, interval=0.25)
    results = await asyncio.gather(*(call_api(limiter, n) for n in range(8)), return_exceptions=True)
    print(results)
    print(limiter.starts)
    gaps = [round(b - a, 3) for a, b in zip(limiter.starts, limiter.starts[1:])]
    print(gaps, min(gaps) >= 0.25)

asyncio.run(main())
