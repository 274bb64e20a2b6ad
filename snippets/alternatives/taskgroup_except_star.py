import asyncio


async def job(tag, go, error=None):
    await go.wait()
    if error:
        raise error(f"{tag} failed")
    return tag


async def main():
    go, later = asyncio.Event(), asyncio.Event()
    try:
        async with asyncio.TaskGroup() as group:  # Python 3.11+
            group.create_task(job("A", go, ValueError))
            group.create_task(job("B", go, KeyError))
            group.create_task(job("C", later))
            await asyncio.sleep(1)
            go.set()  # A and B wake in the same step of the loop
    except* ValueError as errors:  # each handler gets the matching part of the group
        print("ValueError:", errors.exceptions)
    except* KeyError as errors:
        print("KeyError:", errors.exceptions)


asyncio.run(main())
