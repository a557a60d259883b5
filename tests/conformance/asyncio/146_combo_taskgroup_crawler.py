# A TaskGroup crawler with one failing child: siblings are cancelled.
import asyncio

class FetchError(Exception):
    pass

PAGES = {"/": ["/a", "/b", "/c"], "/a": ["/a/1"], "/b": [], "/c": ["/broken"], "/a/1": [], "/broken": None}
DELAY = {"/": 0.1, "/a": 0.5, "/b": 0.2, "/c": 0.3, "/a/1": 2.0, "/broken": 0.4}

async def fetch(path):
    await asyncio.sleep(DELAY[path])
    links = PAGES[path]
    if links is None:
        raise FetchError(f"404 {path}")
    return links

async def crawl(path, tg, seen):
    try:
        links = await fetch(path)
        print(f"t={asyncio.get_running_loop().time():.1f} fetched {path} -> {links}")
        for link in links:
            if link not in seen:
                seen.append(link)
                tg.create_task(crawl(link, tg, seen))
    except asyncio.CancelledError:
        print(f"t={asyncio.get_running_loop().time():.1f} cancelled {path}")
        raise

async def main():
    seen = ["/"]
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(crawl("/", tg, seen))
    except ExceptionGroup as eg:
        print(f"t={asyncio.get_running_loop().time():.1f} group failed:", [repr(e) for e in eg.exceptions])
    print(seen)

asyncio.run(main())
