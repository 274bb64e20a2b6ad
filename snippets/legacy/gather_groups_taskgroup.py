# Python 3.11+: asyncio.TaskGroup. Older versions have no such attribute.
import asyncio
import random
from pprint import pprint


async def coro(tag):
    print(">", tag)
    await asyncio.sleep(random.uniform(1, 3))
    print("<", tag)
    return tag


async def main():
    groups = []
    async with asyncio.TaskGroup() as tg:
        for g, size in ((1, 5), (2, 3), (3, 9)):
            groups.append([tg.create_task(coro(f"group {g}.{i}")) for i in range(1, size + 1)])
    # Leaving the block means every task in it has finished.
    pprint([[task.result() for task in group] for group in groups])


asyncio.run(main())
