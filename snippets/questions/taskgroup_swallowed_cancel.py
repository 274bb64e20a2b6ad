import asyncio


async def fails():
    await asyncio.sleep(0.1)
    raise ValueError("fails")


async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("stubborn: cancelled, carrying on")
    await asyncio.sleep(0.2)
    return "stubborn finished"


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    group = asyncio.TaskGroup()  # Python 3.11+
    try:
        async with group:
            group.create_task(fails())
            task = group.create_task(stubborn())
    except Exception as error:
        print(f"{type(error).__name__} at {loop.time() - start:.1f}s: {error.exceptions!r}")
    print("stubborn cancelled:", task.cancelled(), "| result:", task.result())


asyncio.run(main())
