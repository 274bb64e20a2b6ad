import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    slow = asyncio.create_task(job("slow", 5))
    try:
        async with asyncio.timeout(2):  # Python 3.11+
            await slow
    except TimeoutError as error:
        print(f"{type(error).__name__} at {loop.time() - start:.1f}s")
    print("slow cancelled:", slow.cancelled())
    print("asyncio.TimeoutError is TimeoutError:", asyncio.TimeoutError is TimeoutError)

    async with asyncio.timeout(2):
        print(await job("fast", 1), f"in time at {loop.time() - start:.1f}s")
    try:
        async with asyncio.timeout(2):
            await job("broken", 1, fail=True)
    except ValueError as error:
        print(f"{error!r} passes through at {loop.time() - start:.1f}s")


asyncio.run(main())
