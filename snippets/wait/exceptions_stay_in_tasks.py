import asyncio


async def job(tag, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{tag} failed")
    return tag


async def main():
    tasks = [
        asyncio.create_task(job("A", 1)),
        asyncio.create_task(job("B", 2, fail=True)),
        asyncio.create_task(job("C", 3)),
    ]
    done, pending = await asyncio.wait(tasks)
    print("wait() returned: done", len(done), "| pending", len(pending))
    for task in tasks:
        if task.exception() is None:  # None: the task returned normally
            print("result:", task.result())
        else:
            print("exception:", repr(task.exception()))
    try:
        tasks[1].result()  # result() raises the task's exception
    except ValueError as error:
        print("result() raised", repr(error))


asyncio.run(main())
