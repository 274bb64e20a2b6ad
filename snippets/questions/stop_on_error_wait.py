import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(job("A", 0.1), name="A"),
        asyncio.create_task(job("B", 0.2, fail=True), name="B"),
        asyncio.create_task(job("C", 0.5), name="C"),
    ]
    _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    print(f"stopped at {loop.time() - start:.1f}s")
    for task in tasks:
        if task.cancelled():
            print(task.get_name(), "was cancelled")
        elif task.exception() is not None:
            print(task.get_name(), "raised", repr(task.exception()))
        else:
            print(task.get_name(), "returned", repr(task.result()))


asyncio.run(main())
