import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    group = asyncio.TaskGroup()  # Python 3.11+
    tasks = []
    try:
        async with group:
            for tag, seconds, fail in [("A", 1, False), ("B", 2, True), ("C", 3, False)]:
                tasks.append(group.create_task(job(tag, seconds, fail), name=tag))
    except Exception as error:  # an ExceptionGroup wrapping B's ValueError
        print(f"{type(error).__name__} at {loop.time() - start:.1f}s: {error.exceptions!r}")
    for task in tasks:
        if task.cancelled():
            print(task.get_name(), "was cancelled")
        elif task.exception() is not None:
            print(task.get_name(), "raised", repr(task.exception()))
        else:
            print(task.get_name(), "returned", repr(task.result()))


asyncio.run(main())
