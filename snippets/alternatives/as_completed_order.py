import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag, seconds  # as_completed() does not say which job finished: return a tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    # Tasks, not coroutines: as_completed() would wrap coroutines in an unordered set.
    jobs = [asyncio.create_task(job(*args)) for args in [("A", 3), ("B", 1), ("C", 2, True), ("D", 4)]]
    yielded = []
    for next_done in asyncio.as_completed(jobs):
        yielded.append(next_done)
        try:
            tag, seconds = await next_done
        except ValueError as error:
            print(f"{error!r} at {loop.time() - start:.1f}s")
        else:
            print(f"{tag} ({seconds}s job) at {loop.time() - start:.1f}s")
    kinds = sorted({type(item).__name__ for item in yielded})
    print("it yielded:", kinds, "| your tasks among them:", sum(item in jobs for item in yielded))


asyncio.run(main())
