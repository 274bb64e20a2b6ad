import asyncio
import random


async def coro(tag):
    print(">", tag)
    await asyncio.sleep(random.uniform(0.5, 5))
    print("<", tag)
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def report(step, done, pending):
        results = sorted(task.result() for task in done)  # a set has no order: sort it
        elapsed = loop.time() - start
        print(f"{step} at {elapsed:.1f}s: {results}, pending {len(pending)}")

    tasks = [asyncio.create_task(coro(i)) for i in range(1, 11)]

    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    report("first result", done, pending)

    done, pending = await asyncio.wait(pending, timeout=2)
    report("within 2 more seconds", done, pending)

    if pending:  # wait() raises ValueError on an empty set
        done, pending = await asyncio.wait(pending)
        report("all the rest", done, pending)


asyncio.run(main())
