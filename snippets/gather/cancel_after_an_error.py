import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    slow = asyncio.create_task(job("slow", 3))
    group = asyncio.gather(job("broken", 1, fail=True), slow)
    try:
        await group
    except ValueError as error:
        print(f"await group: {error!r} at {loop.time() - start:.1f}s")
    print("group.cancel():", group.cancel())  # the group is already done
    print("slow: done", slow.done(), "| cancelled", slow.cancelled())
    print("slow returned", repr(await slow), f"at {loop.time() - start:.1f}s")


asyncio.run(main())
