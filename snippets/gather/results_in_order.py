import asyncio
import random


async def job(tag, loop, start):
    await asyncio.sleep(random.uniform(1, 3))
    print(f"finished {tag} at {loop.time() - start:.1f}s")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    results = await asyncio.gather(*[job(tag, loop, start) for tag in "ABCDE"])
    print("results:", results)
    print(f"total: {loop.time() - start:.1f}s")


asyncio.run(main())
