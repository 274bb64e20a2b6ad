import asyncio


async def job(seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError("B failed")
    return "ok"


def names(tasks):
    return sorted(task.get_name() for task in tasks)


async def try_mode(mode, b_fails=True):
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(job(1), name="A"),
        asyncio.create_task(job(2, fail=b_fails), name="B"),
        asyncio.create_task(job(3), name="C"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=mode)
    elapsed = loop.time() - start
    label = mode if b_fails else f"{mode} (nothing fails)"
    print(f"{label}: {elapsed:.1f}s, done {names(done)}, pending {names(pending)}")
    for task in pending:  # clean up before the next mode
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def main():
    await try_mode(asyncio.FIRST_COMPLETED)
    await try_mode(asyncio.FIRST_EXCEPTION)
    await try_mode(asyncio.ALL_COMPLETED)
    await try_mode(asyncio.FIRST_EXCEPTION, b_fails=False)


asyncio.run(main())
