import asyncio
import random
from pprint import pprint


async def coro(tag):
    print(">", tag)
    await asyncio.sleep(random.uniform(1, 3))
    print("<", tag)
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    group1 = asyncio.gather(*[coro(f"group 1.{i}") for i in range(1, 6)])
    group2 = asyncio.gather(*[coro(f"group 2.{i}") for i in range(1, 4)])
    group3 = asyncio.gather(*[coro(f"group 3.{i}") for i in range(1, 10)])
    all_groups = asyncio.gather(group1, group2, group3)
    results = await all_groups
    pprint(results)
    print(f"total: {loop.time() - start:.1f}s")


asyncio.run(main())
