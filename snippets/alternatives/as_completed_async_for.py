import asyncio


async def job(seconds):
    await asyncio.sleep(seconds)
    return seconds


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [asyncio.create_task(job(s), name=tag) for tag, s in [("A", 3), ("B", 1), ("C", 2)]]
    async for task in asyncio.as_completed(tasks):  # Python 3.13+
        # With tasks and `async for`, you get your own task objects back.
        print(task.get_name(), task in tasks, task.result(), f"at {loop.time() - start:.1f}s")


asyncio.run(main())
