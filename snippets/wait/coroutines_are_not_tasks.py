import asyncio


async def job():
    await asyncio.sleep(1)
    return "done"


async def main():
    coro = job()
    try:
        done, _ = await asyncio.wait([coro])
    except TypeError as error:
        coro.close()  # never started: close it, or Python warns it was never awaited
        print("TypeError:", error)
    else:
        # wait() wrapped the coroutine in a new task: done holds that task, not coro.
        print("coro in done:", coro in done)
        print("results:", [task.result() for task in done])


asyncio.run(main())
