import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(job(tag, s)) for tag, s in [("A", 1), ("B", 3), ("C", 5)]
    ]
    try:
        for next_done in asyncio.as_completed(tasks, timeout=2):
            print(await next_done, f"at {loop.time() - start:.1f}s")
    except asyncio.TimeoutError as error:
        print(f"{type(error).__name__} at {loop.time() - start:.1f}s")
        print("the built-in TimeoutError:", isinstance(error, TimeoutError))
    print("done:", [task.done() for task in tasks])
    print("cancelled:", [task.cancelled() for task in tasks])
    await asyncio.wait(tasks)  # the others were still running
    print([task.result() for task in tasks], f"at {loop.time() - start:.1f}s")


asyncio.run(main())
