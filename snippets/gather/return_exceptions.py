import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    stopped = asyncio.create_task(job("stopped", 5))
    loop.call_later(1.5, stopped.cancel)  # something else cancels this one
    results = await asyncio.gather(
        job("fast", 1),
        job("broken", 2, fail=True),
        job("slow", 3),
        stopped,
        return_exceptions=True,
    )
    print(results, f"after {loop.time() - start:.1f}s")
    for result in results:
        if isinstance(result, BaseException):  # CancelledError is not an Exception
            print("failed:", type(result).__name__, "| an Exception:", isinstance(result, Exception))
        else:
            print("ok:", result)


asyncio.run(main())
