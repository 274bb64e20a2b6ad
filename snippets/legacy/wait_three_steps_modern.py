import asyncio
import random


async def coro(tag):
    print(">", tag)
    await asyncio.sleep(random.uniform(0.5, 5))
    print("<", tag)
    return tag


async def main():
    # wait() wants tasks, not coroutines (a TypeError from 3.11 on).
    tasks = [asyncio.create_task(coro(i)) for i in range(1, 11)]

    print("Get first result:")
    finished, unfinished = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    # done is a set, and a set has no order: sort so every run prints the same.
    for task in sorted(finished, key=asyncio.Task.result):
        print(task.result())
    print("unfinished:", len(unfinished))

    print("Get more results in 2 seconds:")
    finished2, unfinished2 = await asyncio.wait(unfinished, timeout=2)
    for task in sorted(finished2, key=asyncio.Task.result):
        print(task.result())
    print("unfinished2:", len(unfinished2))

    print("Get all other results:")
    if unfinished2:  # wait() raises ValueError on an empty set
        finished3, _ = await asyncio.wait(unfinished2)
        for task in sorted(finished3, key=asyncio.Task.result):
            print(task.result())


asyncio.run(main())
