import asyncio


async def fetch(mirror, seconds):
    await asyncio.sleep(seconds)
    return f"data from {mirror}"


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(fetch(mirror, seconds), name=mirror)
        for mirror, seconds in [("mirror-1", 0.6), ("mirror-2", 0.2), ("mirror-3", 0.4)]
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    winner = done.pop()
    print(f"{winner.result()} at {loop.time() - start:.1f}s")
    await asyncio.gather(*pending, return_exceptions=True)
    print("cancelled:", sorted(task.get_name() for task in tasks if task.cancelled()))


asyncio.run(main())
