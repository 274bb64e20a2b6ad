import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


def start_groups():
    tasks = [
        asyncio.create_task(job(tag, s), name=tag)
        for tag, s in [("A1", 1), ("A2", 3), ("B1", 1), ("B2", 3), ("C1", 1), ("C2", 3)]
    ]
    groups = [asyncio.gather(*tasks[i : i + 2]) for i in (0, 2, 4)]
    return tasks, groups, asyncio.gather(*groups)


def report(tasks):
    cancelled = [task.get_name() for task in tasks if task.cancelled()]
    running = [task.get_name() for task in tasks if not task.done()]
    print("  cancelled:", cancelled, "| running:", running)


async def main():
    loop = asyncio.get_running_loop()

    start = loop.time()
    tasks, [group1, group2, group3], all_groups = start_groups()
    await asyncio.sleep(2)  # A1, B1 and C1 have finished
    print("group2.cancel():", group2.cancel())
    try:
        await all_groups
    except asyncio.CancelledError:
        print(f"await all_groups: CancelledError at {loop.time() - start:.1f}s")
    print("all_groups.cancel():", all_groups.cancel())
    report(tasks)
    results = await asyncio.gather(group1, group3)
    print("  group1, group3:", results, f"at {loop.time() - start:.1f}s")

    start = loop.time()
    tasks, groups, all_groups = start_groups()
    await asyncio.sleep(2)
    print("all_groups.cancel():", all_groups.cancel())
    try:
        await all_groups
    except asyncio.CancelledError:
        print(f"await all_groups: CancelledError at {loop.time() - start:.1f}s")
    report(tasks)
    print("  groups cancelled():", [group.cancelled() for group in groups])


asyncio.run(main())
