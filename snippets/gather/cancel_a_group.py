import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


async def main():
    tasks = [
        asyncio.create_task(job(tag, s), name=tag)
        for tag, s in [("A", 1), ("B", 2), ("C", 3)]
    ]
    group = asyncio.gather(*tasks)
    await asyncio.sleep(1.5)  # A has finished, B and C are still running
    print("cancel() while running:", group.cancel())
    try:
        await group
    except asyncio.CancelledError:
        print("await group: CancelledError")
    print("group.cancelled():", group.cancelled())  # still False
    for task in tasks:
        print(task.get_name(), "cancelled:", task.cancelled())

    finished = asyncio.gather(job("D", 1), job("E", 1))
    await finished
    print("cancel() when finished:", finished.cancel())
    print("cancelled:", finished.cancelled(), "| result:", finished.result())


asyncio.run(main())
