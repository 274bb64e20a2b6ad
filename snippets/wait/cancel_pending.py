import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    print(f"{tag} finished")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(job(tag, s)) for tag, s in [("A", 1), ("B", 3), ("C", 5)]
    ]
    _, pending = await asyncio.wait(tasks, timeout=2)
    for task in pending:
        task.cancel()
    print("cancelled right after cancel():", [task.cancelled() for task in pending])
    # Wait until the cancellations have happened; collect them instead of raising.
    outcomes = await asyncio.gather(*pending, return_exceptions=True)
    print("outcomes:", [type(outcome).__name__ for outcome in outcomes])
    print("cancelled:", [task.cancelled() for task in tasks])
    print(f"total: {loop.time() - start:.1f}s")


asyncio.run(main())
