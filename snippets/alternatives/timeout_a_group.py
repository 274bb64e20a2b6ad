import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


JOBS = [("A", 1), ("B", 3), ("C", 5)]


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [asyncio.create_task(job(tag, s)) for tag, s in JOBS]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)
    except asyncio.TimeoutError:
        print(f"wait_for(gather()): timeout at {loop.time() - start:.1f}s")
    print("cancelled:", [task.cancelled() for task in tasks])

    if hasattr(asyncio, "TaskGroup"):  # TaskGroup and timeout(): Python 3.11+
        start = loop.time()
        try:
            async with asyncio.timeout(2):
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(job(tag, s)) for tag, s in JOBS]
        except TimeoutError:
            print(f"timeout() around a TaskGroup: timeout at {loop.time() - start:.1f}s")
        print("cancelled:", [task.cancelled() for task in tasks])


asyncio.run(main())
