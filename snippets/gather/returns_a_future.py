import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    group = asyncio.gather(job("A", 1), job("B", 2))
    print("a Future:", isinstance(group, asyncio.Future))
    print("a Task:", isinstance(group, asyncio.Task))
    print("tasks besides main():", len(asyncio.all_tasks()) - 1)
    # The tasks run while main() does something else.
    await asyncio.sleep(3)
    print("group done before await:", group.done())
    print(await group, f"after {loop.time() - start:.1f}s")


asyncio.run(main())
