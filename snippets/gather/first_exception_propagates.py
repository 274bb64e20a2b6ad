import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    print(f"{tag} finished")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    slow = asyncio.create_task(job("slow", 3))
    try:
        await asyncio.gather(job("fast", 1), job("broken", 2, fail=True), slow)
    except ValueError as error:
        print(f"gather raised {error!r} at {loop.time() - start:.1f}s")
    print("slow: done", slow.done(), "| cancelled", slow.cancelled())
    print("slow returned", await slow, f"at {loop.time() - start:.1f}s")


asyncio.run(main())
