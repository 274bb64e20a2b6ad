import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    return tag


async def main():
    tasks = [
        asyncio.create_task(job(tag, s)) for tag, s in [("A", 3), ("B", 1), ("C", 2)]
    ]
    done, pending = await asyncio.wait(tasks)
    print("types:", type(done).__name__, type(pending).__name__)
    print("done:", len(done), "| pending:", len(pending))
    print("all tasks in done:", all(task in done for task in tasks))
    # wait() returns no results: read them from the tasks, in the order you chose.
    print("results:", [task.result() for task in tasks])


asyncio.run(main())
