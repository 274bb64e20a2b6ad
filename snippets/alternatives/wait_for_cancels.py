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
        await asyncio.wait_for(slow, timeout=2)
    except asyncio.TimeoutError as error:
        print(f"wait_for: {type(error).__name__} at {loop.time() - start:.1f}s")
        print("the built-in TimeoutError:", isinstance(error, TimeoutError))
    print("slow cancelled:", slow.cancelled())

    other = asyncio.create_task(job("other", 5))
    done, pending = await asyncio.wait([other], timeout=2)
    print(f"wait: done {len(done)}, pending {len(pending)} at {loop.time() - start:.1f}s")
    print("other cancelled:", other.cancelled())
    print("other returned", repr(await other), f"at {loop.time() - start:.1f}s")

    try:
        await asyncio.wait_for(job("broken", 1, fail=True), timeout=2)
    except ValueError as error:
        print(f"wait_for: {error!r} passes through at {loop.time() - start:.1f}s")


asyncio.run(main())
